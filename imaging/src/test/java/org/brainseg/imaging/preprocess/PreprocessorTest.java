package org.brainseg.imaging.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.brainseg.imaging.Affine;
import org.brainseg.imaging.Volume;
import org.junit.jupiter.api.Test;

class PreprocessorTest {
    private static final Affine AFFINE = Affine.of(new double[][] {
        {-1, 0, 0, 90}, {0, 1, 0, -120}, {0, 0, 1.5, -60}, {0, 0, 0, 1}});

    /** A 20x16x12 scan with a "brain" box [4,15)x[3,13)x[2,10) of random positive values. */
    private static Volume[] scan(long seed) {
        Random r = new Random(seed);
        Volume[] ch = new Volume[4];
        for (int c = 0; c < 4; c++) {
            ch[c] = new Volume(20, 16, 12, new float[20 * 16 * 12], AFFINE);
            for (int z = 2; z < 10; z++) {
                for (int y = 3; y < 13; y++) {
                    for (int x = 4; x < 15; x++) {
                        ch[c].set(x, y, z, 100 * (c + 1) + 10 * (float) r.nextGaussian());
                    }
                }
            }
        }
        return ch;
    }

    private static Volume labels() {
        Volume l = new Volume(20, 16, 12, new float[20 * 16 * 12], AFFINE);
        for (int z = 4; z < 8; z++) {
            for (int y = 5; y < 10; y++) {
                for (int x = 6; x < 12; x++) {
                    l.set(x, y, z, 1 + (x + y + z) % 3);
                }
            }
        }
        return l;
    }

    @Test
    void shouldCropToTheBrainBoxWithMargin() {
        assertThat(Preprocessor.brainBox(scan(1), 0)).isEqualTo(new BoundingBox(4, 3, 2, 15, 13, 10));
        assertThat(Preprocessor.brainBox(scan(1), 2)).isEqualTo(new BoundingBox(2, 1, 0, 17, 15, 12));
        assertThat(Preprocessor.brainBox(scan(1), 9)).isEqualTo(BoundingBox.full(20, 16, 12));
    }

    @Test
    void shouldMoveTheAffineWithTheCrop() {
        Volume v = scan(1)[0];
        BoundingBox box = new BoundingBox(4, 3, 2, 15, 13, 10);
        Volume c = Preprocessor.crop(v, box);
        assertThat(c.get(0, 0, 0)).isEqualTo(v.get(4, 3, 2));
        assertThat(c.affine().apply(0, 0, 0)).containsExactly(v.affine().apply(4, 3, 2));
    }

    @Test
    void shouldZscoreInsideTheBrainAndZeroOutside() {
        PreprocessedCase p = new Preprocessor(new PreprocessOptions(1, null)).apply("c", scan(2), labels());
        assertThat(p.geometry().crop()).isEqualTo(new BoundingBox(3, 2, 1, 16, 14, 11));
        for (Volume c : p.channels()) {
            double sum = 0;
            double sq = 0;
            int n = 0;
            for (int z = 1; z < 9; z++) {
                for (int y = 1; y < 11; y++) {
                    for (int x = 1; x < 12; x++) {
                        sum += c.get(x, y, z);
                        sq += c.get(x, y, z) * c.get(x, y, z);
                        n++;
                    }
                }
            }
            assertThat(sum / n).isCloseTo(0, within(1e-4));
            assertThat(sq / n).isCloseTo(1, within(1e-3));
            assertThat(c.get(0, 0, 0)).isZero();
        }
    }

    @Test
    void shouldRestoreLabelsExactlyWithoutResampling() {
        Volume labels = labels();
        PreprocessedCase p = new Preprocessor(PreprocessOptions.onScanGrid()).apply("c", scan(3), labels);
        Volume back = Preprocessor.restoreLabels(p.labels(), p.geometry());
        assertThat(back.shape()).containsExactly(20, 16, 12);
        assertThat(back.data()).containsExactly(labels.data());
        assertThat(back.affine()).isEqualTo(AFFINE);
    }

    @Test
    void shouldRestoreOneHotProbabilitiesToTheLabels() {
        Volume labels = labels();
        PreprocessedCase p = new Preprocessor(PreprocessOptions.onScanGrid()).apply("c", scan(3), labels);
        float[] l = p.labels().data();
        float[][] probs = new float[4][l.length];
        for (int i = 0; i < l.length; i++) {
            probs[(int) l[i]][i] = 1;
        }
        assertThat(Preprocessor.restoreFromProbabilities(probs, p.geometry()).data()).containsExactly(labels.data());
    }

    @Test
    void shouldResampleToTheTargetSpacingAndBack() {
        Volume labels = labels();
        PreprocessedCase p = new Preprocessor(new PreprocessOptions(0, new double[] {2, 2, 3})).apply("c", scan(4), labels);
        assertThat(p.geometry().crop()).isEqualTo(new BoundingBox(4, 3, 2, 15, 13, 10));
        // 11 x 10 x 8 voxels of 1 x 1 x 1.5 mm -> 6 x 5 x 4 voxels of about 2 x 2 x 3 mm
        assertThat(p.geometry().shape()).containsExactly(6, 5, 4);
        assertThat(p.channels()[0].spacing()[0]).isCloseTo(11.0 / 6, within(1e-9));
        assertThat(p.channels()[0].spacing()[2]).isCloseTo(3.0, within(1e-9));
        // Grid centres stay aligned: the new grid's centre is the crop's centre in world space.
        double[] c0 = p.channels()[0].affine().apply(2.5, 2, 1.5);
        double[] c1 = Preprocessor.crop(labels, p.geometry().crop()).affine().apply(5, 4.5, 3.5);
        assertThat(c0[0]).isCloseTo(c1[0], within(1e-9));
        assertThat(c0[1]).isCloseTo(c1[1], within(1e-9));
        assertThat(c0[2]).isCloseTo(c1[2], within(1e-9));
        Volume back = Preprocessor.restoreLabels(p.labels(), p.geometry());
        assertThat(back.shape()).containsExactly(20, 16, 12);
        assertThat(back.affine()).isEqualTo(AFFINE);
        int agree = 0;
        int tumour = 0;
        for (int i = 0; i < back.size(); i++) {
            if (labels.data()[i] > 0) {
                tumour++;
                agree += back.data()[i] > 0 ? 1 : 0;
            }
        }
        assertThat((double) agree / tumour).isGreaterThan(0.6);
    }

    @Test
    void shouldInterpolateALinearRampExactly() {
        int[] in = {8, 6, 4};
        float[] ramp = new float[8 * 6 * 4];
        for (int z = 0; z < 4; z++) {
            for (int y = 0; y < 6; y++) {
                for (int x = 0; x < 8; x++) {
                    ramp[x + 8 * (y + 6 * z)] = x + 2 * y + 3 * z;
                }
            }
        }
        float[] up = Resampler.linear(ramp, in, new int[] {16, 12, 8});
        // Inside the border, output voxel v sits at input position (v + 0.5) / 2 - 0.5.
        int x = 5;
        int y = 7;
        int z = 3;
        double expected = ((x + 0.5) / 2 - 0.5) + 2 * ((y + 0.5) / 2 - 0.5) + 3 * ((z + 0.5) / 2 - 0.5);
        assertThat((double) up[x + 16 * (y + 12 * z)]).isCloseTo(expected, within(1e-5));
        float[] down = Resampler.linear(up, new int[] {16, 12, 8}, in);
        assertThat((double) down[3 + 8 * (2 + 6 * 1)]).isCloseTo(ramp[3 + 8 * (2 + 6 * 1)], within(1e-5));
    }
}
