package org.brainseg.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.DatasetLayout;
import org.brainseg.imaging.dataset.DatasetScanner;
import org.brainseg.imaging.preprocess.PreprocessOptions;
import org.brainseg.imaging.preprocess.PreprocessedCase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training-time domain randomization: seeded copies beside each case, labels untouched, off means off. */
class DomainRandomizationTest {
    @TempDir
    static Path cohort;
    static List<Case> cases;

    @BeforeAll
    static void writeCohort() throws IOException {
        new CohortGenerator(new CohortConfig(2, 23, DatasetLayout.BRATS2020, 3, null, false), Anatomy.load(null))
                .generate(cohort, null);
        cases = DatasetScanner.scan(cohort).cases();
    }

    @Test
    void shouldAddSeededCopiesAfterEachCaseWithTheSameLabels() throws IOException {
        DomainRandomization dr = new DomainRandomization(1.5, 2, 7);
        List<PreprocessedCase> out = dr.load(cases, PreprocessOptions.isotropic(3), null);
        assertThat(out).extracting(PreprocessedCase::id).containsExactly(cases.get(0).id(),
                DomainRandomization.variantId(cases.get(0).id(), 1), DomainRandomization.variantId(cases.get(0).id(), 2),
                cases.get(1).id(), DomainRandomization.variantId(cases.get(1).id(), 1),
                DomainRandomization.variantId(cases.get(1).id(), 2));
        PreprocessedCase plain = out.get(0);
        for (PreprocessedCase copy : out.subList(1, 3)) {
            assertThat(copy.labels().data()).as("labels are the ground truth, untouched").isEqualTo(plain.labels().data());
            assertThat(copy.channels()[0].data()).as("the images changed").isNotEqualTo(plain.channels()[0].data());
            for (var ch : copy.channels()) {
                for (float v : ch.data()) {
                    assertThat(Float.isFinite(v)).isTrue();
                }
            }
        }
        assertThat(out.get(1).channels()[1].data()).as("copies differ from each other").isNotEqualTo(out.get(2).channels()[1].data());
        // reproducible: the same seed gives bit-identical copies, another seed other ones
        List<PreprocessedCase> again = new DomainRandomization(1.5, 2, 7).load(cases.subList(0, 1), PreprocessOptions.isotropic(3), null);
        assertThat(again.get(1).channels()[3].data()).isEqualTo(out.get(1).channels()[3].data());
        assertThat(new DomainRandomization(1.5, 2, 8).perturbation(cases.get(0).id(), 1))
                .isNotEqualTo(dr.perturbation(cases.get(0).id(), 1));
    }

    @Test
    void shouldDrawStrengthsWithinTheRangeAndChangeNothingWhenOff() throws IOException {
        DomainRandomization dr = new DomainRandomization(0.8, 16, 3);
        for (int r = 1; r <= 16; r++) {
            assertThat(dr.perturbation("case", r).strength()).isBetween(0.0, 0.8);
        }
        assertThat(DomainRandomization.off().isOff()).isTrue();
        assertThat(new DomainRandomization(0, 4, 1).isOff()).as("strength 0").isTrue();
        List<PreprocessedCase> plain = DomainRandomization.off().load(cases, PreprocessOptions.isotropic(3), null);
        assertThat(plain).extracting(PreprocessedCase::id).containsExactly(cases.get(0).id(), cases.get(1).id());
        assertThat(DomainRandomization.off().describe()).isEqualTo("off");
        assertThat(dr.describe()).contains("16 copies").contains("[0, 0.80]").contains("seed 3");
    }

    @Test
    void shouldRefuseStrengthsAndCountsOutOfRange() {
        for (double s : new double[] {-0.1, 2.01, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> new DomainRandomization(s, 2, 1)).as("strength %s", s)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> new DomainRandomization(1, -1, 1)).hasMessageContaining("variants");
        assertThatThrownBy(() -> new DomainRandomization(1, DomainRandomization.MAX_VARIANTS + 1, 1)).hasMessageContaining("variants");
    }
}
