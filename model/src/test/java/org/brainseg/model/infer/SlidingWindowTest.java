package org.brainseg.model.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Random;
import org.brainseg.model.net.UNet3d;
import org.brainseg.model.net.UNetConfig;
import org.brainseg.schemas.Normalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SlidingWindowTest {

    @ParameterizedTest(name = "size {0}, patch {1}")
    @CsvSource({
        "32, 32, '0'",
        "20, 32, '0'",
        "64, 32, '0,16,32'",
        "70, 32, '0,13,25,38'",
        "48, 32, '0,16'",
    })
    void shouldPlaceWindowsWithHalfOverlapUpToTheBorder(int size, int patch, String expected) {
        int[] s = SlidingWindow.starts(size, patch);
        assertThat(s).containsExactly(java.util.Arrays.stream(expected.split(",")).mapToInt(Integer::parseInt).toArray());
    }

    @Test
    void shouldWeightWindowCentresMost() {
        float[] g = SlidingWindow.gaussian(8);
        float centre = g[3 + 8 * (3 + 8 * 3)];
        assertThat(centre).isCloseTo(g[4 + 8 * (4 + 8 * 4)], within(1e-7f)).isGreaterThan(0.9f);
        assertThat(g[0]).isPositive().isLessThan(centre / 100);
    }

    private static float[][] randomChannels(int n, long seed) {
        Random r = new Random(seed);
        float[][] c = new float[4][n];
        for (float[] a : c) {
            for (int i = 0; i < n; i++) {
                a[i] = (float) r.nextGaussian();
            }
        }
        return c;
    }

    @Test
    void shouldEqualADirectForwardPassOnAVolumeOfOnePatch() {
        Engine.getInstance().setRandomSeed(1);
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            UNet3d net = new UNet3d(UNetConfig.brats(2, 4, Normalization.LAYER));
            net.initialize(m, DataType.FLOAT32, new Shape(1, 4, 16, 16, 16));
            int p = 16;
            int n = p * p * p;
            float[][] channels = randomChannels(n, 2);
            float[][] probs = new SlidingWindow(net, 4, 4, p, 1, false).predict(m, channels, p, p, p);
            float[] direct;
            try (NDManager sm = m.newSubManager()) {
                float[] buf = new float[4 * n];
                for (int c = 0; c < 4; c++) {
                    System.arraycopy(channels[c], 0, buf, c * n, n);
                }
                direct = net.forward(new ParameterStore(sm, false), new NDList(sm.create(buf, new Shape(1, 4, p, p, p))),
                        false).singletonOrThrow().softmax(1).toFloatArray();
            }
            for (int i = 0; i < n; i++) {
                int best = 0;
                int bestDirect = 0;
                for (int k = 0; k < 4; k++) {
                    assertThat(probs[k][i]).isCloseTo(direct[k * n + i], within(1e-5f));
                    best = probs[k][i] > probs[best][i] ? k : best;
                    bestDirect = direct[k * n + i] > direct[bestDirect * n + i] ? k : bestDirect;
                }
                assertThat(best).isEqualTo(bestDirect);
            }
        }
    }

    @Test
    void shouldCoverOddSizedVolumesWithProbabilitiesThatSumToOne() {
        Engine.getInstance().setRandomSeed(1);
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            UNet3d net = new UNet3d(UNetConfig.brats(2, 4, Normalization.INSTANCE));
            net.initialize(m, DataType.FLOAT32, new Shape(1, 4, 16, 16, 16));
            int nx = 21;
            int ny = 11;
            int nz = 35;
            float[][] channels = randomChannels(nx * ny * nz, 3);
            float[][] one = new SlidingWindow(net, 4, 4, 16, 1, false).predict(m, channels, nx, ny, nz);
            float[][] three = new SlidingWindow(net, 4, 4, 16, 3, false).predict(m, channels, nx, ny, nz);
            float[][] tta = new SlidingWindow(net, 4, 4, 16, 2, true).predict(m, channels, nx, ny, nz);
            for (int i = 0; i < nx * ny * nz; i++) {
                float sum = 0;
                float sumTta = 0;
                for (int k = 0; k < 4; k++) {
                    sum += one[k][i];
                    sumTta += tta[k][i];
                    assertThat(three[k][i]).isCloseTo(one[k][i], within(1e-5f));
                }
                assertThat(sum).isCloseTo(1f, within(1e-4f));
                assertThat(sumTta).isCloseTo(1f, within(1e-4f));
            }
        }
    }
}
