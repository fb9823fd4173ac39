package org.brainseg.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.brainseg.imaging.Affine;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.preprocess.BoundingBox;
import org.brainseg.imaging.preprocess.PreprocessGeometry;
import org.brainseg.imaging.preprocess.PreprocessedCase;
import org.junit.jupiter.api.Test;

class PatchSamplerTest {
    private static final int N = 20;

    /** Channel c holds 10·(c+1) + label, so image and label must move together. */
    private static TrainingCase encoded() {
        float[] labels = new float[N * N * N];
        for (int z = 0; z < N; z++) {
            for (int y = 0; y < N; y++) {
                for (int x = 0; x < N; x++) {
                    if (Math.abs(x - 10) + Math.abs(y - 9) + Math.abs(z - 11) < 4) {
                        labels[x + N * (y + N * z)] = 1 + (x + 2 * y + z) % 3;
                    }
                }
            }
        }
        Volume[] ch = new Volume[4];
        for (int c = 0; c < 4; c++) {
            float[] d = new float[labels.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = 10 * (c + 1) + labels[i];
            }
            ch[c] = new Volume(N, N, N, d, Affine.identity());
        }
        PreprocessGeometry g = new PreprocessGeometry(new int[] {N, N, N}, Affine.identity(), BoundingBox.full(N, N, N),
                new int[] {N, N, N});
        return new TrainingCase(new PreprocessedCase("enc", ch, new Volume(N, N, N, labels, Affine.identity()), g));
    }

    @Test
    void shouldKeepImagesAndLabelsAlignedUnderFlipsAndPadding() {
        int p = 24; // larger than the volume: padding on every axis
        PatchSampler s = new PatchSampler(List.of(encoded()), p, 4, 0.5, new Augmentation(0.5, 0, 0), 3);
        int p3 = p * p * p;
        for (int i = 0; i < 8; i++) {
            PatchSampler.Batch b = s.next(2);
            for (int n = 0; n < 2; n++) {
                for (int v = 0; v < p3; v++) {
                    int label = -1;
                    for (int k = 0; k < 4; k++) {
                        if (b.oneHot()[(n * 4 + k) * p3 + v] == 1f) {
                            assertThat(label).as("one-hot has one class").isEqualTo(-1);
                            label = k;
                        }
                    }
                    float img = b.images()[(n * 4) * p3 + v];
                    if (img == 0) {
                        assertThat(label).as("padding is background").isZero();
                    } else {
                        assertThat(Math.round(img - 10)).isEqualTo(label);
                        assertThat(b.images()[(n * 4 + 3) * p3 + v] - img).isCloseTo(30f,
                                org.assertj.core.api.Assertions.within(1e-3f));
                    }
                }
            }
        }
    }

    @Test
    void shouldCentreForegroundPatchesOnTumour() {
        int p = 8;
        PatchSampler s = new PatchSampler(List.of(encoded()), p, 4, 1.0, Augmentation.none(), 4);
        int p3 = p * p * p;
        int centre = p / 2 + p * (p / 2 + p * (p / 2));
        for (int i = 0; i < 20; i++) {
            PatchSampler.Batch b = s.next(1);
            assertThat(b.oneHot()[centre]).as("centre voxel is not background").isZero();
        }
        PatchSampler a = new PatchSampler(List.of(encoded()), p, 4, 0.3, Augmentation.defaults(), 9);
        PatchSampler a2 = new PatchSampler(List.of(encoded()), p, 4, 0.3, Augmentation.defaults(), 9);
        assertThat(a.next(3).images()).containsExactly(a2.next(3).images());
        assertThat(p3).isPositive();
    }
}
