package org.brainseg.synthetic;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.function.IntPredicate;
import org.brainseg.imaging.dataset.DatasetLayout;
import org.brainseg.imaging.dataset.Modality;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Mean intensity per tissue and tumour class follows clinical MRI: checked on the default
 * anatomy and on the phantom, over several cases.
 */
class ContrastRelationsTest {
    static Anatomy template;
    static Anatomy phantom;

    @BeforeAll
    static void load() throws IOException {
        template = Anatomy.load(null);
        phantom = Anatomy.phantom();
    }

    @ParameterizedTest(name = "case {0}")
    @ValueSource(ints = {0, 1, 2})
    void shouldFollowClinicalContrastOnTheDefaultAnatomy(int index) {
        check(template, index);
    }

    @ParameterizedTest(name = "case {0}")
    @ValueSource(ints = {0, 1})
    void shouldFollowClinicalContrastOnThePhantom(int index) {
        check(phantom, index);
    }

    private static void check(Anatomy anatomy, int index) {
        CohortConfig config = new CohortConfig(3, 42, DatasetLayout.BRATS2020, 2, null, false);
        SyntheticCase c = new CohortGenerator(config, anatomy).synthesize(index);
        float[] t = c.tissue().data();
        float[] lab = c.labels().data();
        IntPredicate healthy = v -> lab[v] == 0 && !Float.isNaN(t[v]);
        IntPredicate csf = v -> healthy.test(v) && t[v] < 0.2f;
        IntPredicate gm = v -> healthy.test(v) && t[v] > 0.9f && t[v] < 1.1f;
        IntPredicate wm = v -> healthy.test(v) && t[v] > 1.9f;
        IntPredicate edema = v -> lab[v] == 2;
        IntPredicate ncr = v -> lab[v] == 1;
        IntPredicate enhancing = v -> lab[v] == 3;

        String id = c.id();
        assertThat(mean(c, Modality.T1, wm)).as(id + " T1 WM > GM").isGreaterThan(mean(c, Modality.T1, gm));
        assertThat(mean(c, Modality.T1, gm)).as(id + " T1 GM > CSF").isGreaterThan(mean(c, Modality.T1, csf));
        assertThat(mean(c, Modality.T2, csf)).as(id + " T2 CSF > GM").isGreaterThan(mean(c, Modality.T2, gm));
        assertThat(mean(c, Modality.T2, gm)).as(id + " T2 GM > WM").isGreaterThan(mean(c, Modality.T2, wm));
        assertThat(mean(c, Modality.FLAIR, csf)).as(id + " FLAIR CSF < GM").isLessThan(mean(c, Modality.FLAIR, gm));
        assertThat(mean(c, Modality.FLAIR, gm)).as(id + " FLAIR GM > WM").isGreaterThan(mean(c, Modality.FLAIR, wm));
        assertThat(mean(c, Modality.FLAIR, edema)).as(id + " FLAIR edema > WM").isGreaterThan(mean(c, Modality.FLAIR, wm));
        assertThat(mean(c, Modality.T2, edema)).as(id + " T2 edema > WM").isGreaterThan(mean(c, Modality.T2, wm));
        assertThat(mean(c, Modality.T1CE, enhancing)).as(id + " T1ce enhancing > NCR").isGreaterThan(mean(c, Modality.T1CE, ncr));
        assertThat(mean(c, Modality.T1CE, enhancing)).as(id + " T1ce enhancing > WM").isGreaterThan(mean(c, Modality.T1CE, wm));
        assertThat(mean(c, Modality.T1, ncr)).as(id + " T1 NCR < WM").isLessThan(mean(c, Modality.T1, wm));
        assertThat(max(c)).as(id + " int16 range").isLessThan(Short.MAX_VALUE);
    }

    private static double mean(SyntheticCase c, Modality m, IntPredicate in) {
        float[] d = c.channel(m).data();
        double sum = 0;
        long n = 0;
        for (int v = 0; v < d.length; v++) {
            if (in.test(v)) {
                sum += d[v];
                n++;
            }
        }
        assertThat(n).as(c.id() + " voxels in class").isPositive();
        return sum / n;
    }

    private static float max(SyntheticCase c) {
        float m = 0;
        for (var v : c.channels()) {
            for (float f : v.data()) {
                m = Math.max(m, f);
            }
        }
        return m;
    }
}
