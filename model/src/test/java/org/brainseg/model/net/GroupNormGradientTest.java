package org.brainseg.model.net;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link GroupNormBlock#normalize} runs on PyTorch's batch-norm kernel: its gradient must equal the
 * gradient of group normalization written out from elementary ops (mean, centre, variance, divide).
 */
class GroupNormGradientTest {
    @ParameterizedTest(name = "groups={0} channels={1}")
    @CsvSource({"1, 6", "6, 6", "2, 8"})
    void shouldBackpropagateAsTheComposedFormula(int groups, int channels) {
        Shape shape = new Shape(2, channels, 3, 4, 5);
        Random rnd = new Random(7);
        float[] x = new float[(int) shape.size()];
        float[] w = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (1 + 3 * rnd.nextGaussian() + i % channels);
            w[i] = (float) rnd.nextGaussian();
        }
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            float[][] fused = grad(m, x, w, shape, a -> GroupNormBlock.normalize(a, groups));
            float[][] composed = grad(m, x, w, shape, a -> {
                NDArray g = a.reshape(shape.get(0), groups, -1);
                NDArray c = g.sub(g.mean(new int[] {2}, true));
                NDArray var = c.square().mean(new int[] {2}, true);
                return c.div(var.add(NormalizationLayers.EPSILON).sqrt()).reshape(shape);
            });
            assertThat(TorchReference.relativeError(fused[0], composed[0])).as("forward").isLessThan(1e-5);
            assertThat(TorchReference.relativeError(fused[1], composed[1])).as("gradient").isLessThan(1e-4);
        }
    }

    private static float[][] grad(NDManager parent, float[] x, float[] w, Shape shape,
            java.util.function.UnaryOperator<NDArray> f) {
        try (NDManager m = parent.newSubManager()) {
            NDArray a = m.create(x, shape);
            a.setRequiresGradient(true);
            NDArray y;
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                y = f.apply(a);
                gc.backward(y.mul(m.create(w, shape)).sum());
            }
            return new float[][] {y.toFloatArray(), a.getGradient().toFloatArray()};
        }
    }
}
