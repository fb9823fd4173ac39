package org.brainseg.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.brainseg.imaging.Affine;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.dataset.DatasetLayout;
import org.brainseg.imaging.nifti.NiftiDataType;
import org.brainseg.imaging.nifti.NiftiWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnatomyTest {
    @TempDir
    Path tmp;

    @Test
    void shouldUseTheMricronTemplateWhenInstalledElseThePhantom() throws IOException {
        Anatomy a = Anatomy.load(null);
        if (!Anatomy.phantomForced() && Files.isRegularFile(Anatomy.DEFAULT_TEMPLATE)) {
            assertThat(a.isPhantom()).isFalse();
            assertThat(a.description()).contains("ch2bet");
        } else {
            assertThat(a.isPhantom()).isTrue();
        }
        double[] means = a.tissueMeans();
        assertThat(means[0]).isLessThan(means[1]);
        assertThat(means[1]).isLessThan(means[2]);
        assertThat(a.brainMl()).isBetween(900.0, 2000.0);
    }

    @Test
    void shouldForceThePhantomOnlyForPhantomAndRefuseAnUnknownChoiceNamingTheSetting() {
        assertThat(Anatomy.parseChoice(Anatomy.ANATOMY_ENV, "phantom")).isTrue();
        assertThat(Anatomy.parseChoice(Anatomy.ANATOMY_ENV, " PHANTOM ")).isTrue();
        assertThat(Anatomy.parseChoice(Anatomy.ANATOMY_ENV, "auto")).isFalse();
        assertThat(Anatomy.parseChoice(Anatomy.ANATOMY_ENV, "")).isFalse();
        assertThat(Anatomy.parseChoice(Anatomy.ANATOMY_ENV, null)).isFalse();
        assertThatThrownBy(() -> Anatomy.parseChoice(Anatomy.ANATOMY_PROPERTY, "phantm"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("brainseg.anatomy=phantm: expected phantom or auto");
    }

    @Test
    void shouldLoadThePhantomWhenThePropertyForcesItWhateverIsInstalled() throws IOException {
        String before = System.getProperty(Anatomy.ANATOMY_PROPERTY);
        System.setProperty(Anatomy.ANATOMY_PROPERTY, "phantom");
        try {
            assertThat(Anatomy.load(null).isPhantom()).isTrue();
        } finally {
            if (before == null) {
                System.clearProperty(Anatomy.ANATOMY_PROPERTY);
            } else {
                System.setProperty(Anatomy.ANATOMY_PROPERTY, before);
            }
        }
    }

    @Test
    void shouldBuildAPhantomWithThreeTissueClassesAndABrainSizedVolume() {
        Anatomy p = Anatomy.phantom();
        assertThat(p.isPhantom()).isTrue();
        assertThat(p.description()).contains("phantom");
        double[] means = p.tissueMeans();
        assertThat(means[0]).isBetween(25.0, 55.0);
        assertThat(means[1]).isBetween(70.0, 95.0);
        assertThat(means[2]).isBetween(100.0, 115.0);
        assertThat(p.brainMl()).isBetween(900.0, 2000.0);
    }

    @Test
    void shouldGenerateACohortFromThePhantomAndSaySo() throws IOException {
        CohortConfig config = new CohortConfig(1, 4, DatasetLayout.BRATS2020, 3, null, false);
        CohortResult r = new CohortGenerator(config, Anatomy.phantom()).generate(tmp, null);
        assertThat(r.phantom()).isTrue();
        assertThat(r.anatomy()).contains("phantom");
        assertThat(r.cases().get(0).wholeTumourMl()).isBetween(20.0, 200.0);
    }

    @Test
    void shouldLoadAGivenT1File() throws IOException {
        Path file = tmp.resolve("brain.nii.gz");
        new NiftiWriter().write(file, PhantomHead.build(), NiftiDataType.FLOAT32);
        CohortConfig config = new CohortConfig(1, 4, DatasetLayout.BRATS2020, 3, file, false);
        CohortGenerator g = new CohortGenerator(config);
        assertThat(g.anatomy().description()).contains(file.toString());
        assertThat(g.anatomy().isPhantom()).isFalse();
        assertThat(g.synthesize(0).wholeTumourMl()).isBetween(20.0, 200.0);
    }

    @Test
    void shouldRefuseAnImageThatIsNotSkullStripped() {
        float[] data = new float[40 * 40 * 40];
        java.util.Arrays.fill(data, 100);
        Volume v = new Volume(40, 40, 40, data, Affine.identity());
        assertThatThrownBy(() -> Anatomy.fromT1(v, "head")).hasMessageContaining("skull-stripped");
    }

    @Test
    void shouldCentreTheBrainOnTheOutputGrid() throws IOException {
        CohortConfig config = CohortConfig.of(1, 1).withSpacing(4);
        Volume map = Anatomy.load(null).tissueMap(config.shape(), config.affine());
        int[] n = map.shape();
        long left = 0;
        long right = 0;
        for (int k = 0; k < n[2]; k++) {
            for (int j = 0; j < n[1]; j++) {
                for (int i = 0; i < n[0]; i++) {
                    if (!Float.isNaN(map.get(i, j, k))) {
                        if (i < n[0] / 2) {
                            left++;
                        } else {
                            right++;
                        }
                    }
                }
            }
        }
        assertThat(left + right).isPositive();
        assertThat((double) left / (left + right)).isBetween(0.4, 0.6);
        assertThat(Float.isNaN(map.get(0, 0, 0))).isTrue();
    }
}
