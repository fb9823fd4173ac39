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
 * Group normalization on PyTorch's batch-norm kernel (the (1, N·G, rest) view that instance
 * normalization still takes, {@link GroupNormBlock#normalizeRows}) and on libtorch's group_norm
 * through TorchScript ({@link FusedGroupNorm}, layer and group normalization): outputs and
 * gradients must equal those of the formula written out from elementary ops (mean, centre,
 * variance, divide, γ, β).
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
            float[][] fused = grad(m, x, w, shape, a -> batchNormKernel(a, groups));
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

    /** The block's kernel (libtorch's group_norm through {@link FusedGroupNorm}): output and all three gradients. */
    @ParameterizedTest(name = "groups={0} channels={1}")
    @CsvSource({"1, 6", "2, 8", "1, 16"})
    void shouldMatchTheComposedFormulaWithGammaAndBetaInTheFusedKernel(int groups, int channels) {
        Shape shape = new Shape(2, channels, 3, 4, 5);
        Random rnd = new Random(11);
        float[] x = new float[(int) shape.size()];
        float[] w = new float[x.length];
        float[] gamma = new float[channels];
        float[] beta = new float[channels];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (1 + 3 * rnd.nextGaussian() + i % channels);
            w[i] = (float) rnd.nextGaussian();
        }
        for (int c = 0; c < channels; c++) {
            gamma[c] = (float) (0.5 + rnd.nextDouble());
            beta[c] = (float) rnd.nextGaussian();
        }
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            float[][] fused = gradients(m, x, w, gamma, beta, shape, (a, g, b) -> FusedGroupNorm.apply(a, groups, g, b, true));
            float[][] composed = gradients(m, x, w, gamma, beta, shape, (a, g, b) -> {
                NDArray r = a.reshape(shape.get(0), groups, -1);
                NDArray c = r.sub(r.mean(new int[] {2}, true));
                NDArray var = c.square().mean(new int[] {2}, true);
                NDArray n = c.div(var.add(NormalizationLayers.EPSILON).sqrt()).reshape(shape);
                return n.mul(g.reshape(1, channels, 1, 1, 1)).add(b.reshape(1, channels, 1, 1, 1));
            });
            String[] what = {"forward", "gradient of x", "gradient of gamma", "gradient of beta"};
            for (int i = 0; i < what.length; i++) {
                assertThat(TorchReference.relativeError(fused[i], composed[i])).as(what[i]).isLessThan(i == 0 ? 1e-5 : 1e-4);
            }
        }
    }

    /** Called for inference (no autograd recording asked for), it gives the training call's numbers. */
    @ParameterizedTest(name = "groups={0}")
    @CsvSource({"1", "4"})
    void shouldGiveTheSameOutputWithoutAutograd(int groups) {
        Shape shape = new Shape(1, 8, 6, 5, 4);
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray x = m.randomNormal(shape).mul(4).add(2);
            NDArray g = m.randomUniform(0.5f, 1.5f, new Shape(8));
            NDArray b = m.randomNormal(new Shape(8));
            NDArray withGrad;
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                withGrad = FusedGroupNorm.apply(x, groups, g, b, true);
            }
            NDArray without = FusedGroupNorm.apply(x, groups, g, b, false);
            assertThat(without.getShape()).isEqualTo(shape);
            assertThat(TorchReference.relativeError(without.toFloatArray(), withGrad.toFloatArray())).isLessThan(1e-7);
        }
    }

    private interface Norm {
        NDArray apply(NDArray x, NDArray gamma, NDArray beta);
    }

    private static float[][] gradients(NDManager parent, float[] x, float[] w, float[] gamma, float[] beta, Shape shape,
            Norm f) {
        try (NDManager m = parent.newSubManager()) {
            NDArray a = m.create(x, shape);
            NDArray g = m.create(gamma);
            NDArray b = m.create(beta);
            a.setRequiresGradient(true);
            g.setRequiresGradient(true);
            b.setRequiresGradient(true);
            NDArray y;
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                y = f.apply(a, g, b);
                gc.backward(y.mul(m.create(w, shape)).sum());
            }
            return new float[][] {y.toFloatArray(), a.getGradient().toFloatArray(), g.getGradient().toFloatArray(),
                    b.getGradient().toFloatArray()};
        }
    }

    /** Each sample's groups normalized without γ, β by the batch-norm kernel on the (1, N·G, rest) view. */
    private static NDArray batchNormKernel(NDArray x, int groups) {
        long rows = x.getShape().get(0) * groups;
        NDManager m = x.getManager();
        return GroupNormBlock.normalizeRows(x, rows, m.ones(new Shape(rows)), m.zeros(new Shape(rows)));
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
