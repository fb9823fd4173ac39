package org.brainseg.model.net;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.nio.FloatBuffer;
import java.util.Random;
import org.brainseg.schemas.Normalization;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each normalization block, γ and β included, against the same normalization written out from
 * elementary ops: the output and the gradients of the input, γ and β must agree. The blocks run on
 * fused PyTorch kernels (batch-norm views, γ·x + β as an inference-mode batch norm), which the
 * composed formula does not use, so a wrong view, axis or missing gradient shows here.
 */
class NormalizationBlockGradientTest {
    @ParameterizedTest(name = "{0} channels={1} batch={2}")
    @CsvSource({
        "layer, 6, 2",
        "layer, 8, 1",
        "instance, 6, 2",
        "instance, 4, 1",
        "group, 16, 2",
        "layer-channel, 6, 2",
    })
    void shouldBackpropagateAsTheComposedFormula(String kind, int channels, int batch) {
        Normalization norm = Normalization.parse(kind);
        Shape shape = new Shape(batch, channels, 3, 4, 5);
        Shape perChannel = new Shape(1, channels, 1, 1, 1);
        Random rnd = new Random(11 + channels);
        float[] x = gaussian(rnd, (int) shape.size(), 2, 3);
        float[] w = gaussian(rnd, x.length, 1, 0);
        float[] gamma = gaussian(rnd, channels, 0.5, 1);
        float[] beta = gaussian(rnd, channels, 0.5, 0);
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Block block = NormalizationLayers.create(norm, channels);
            block.initialize(m, DataType.FLOAT32, shape);
            NDArray g = block.getParameters().get("gamma").getArray();
            NDArray b = block.getParameters().get("beta").getArray();
            g.set(FloatBuffer.wrap(gamma));
            b.set(FloatBuffer.wrap(beta));

            float[] fusedOut;
            float[][] fusedGrad;
            try (NDManager step = m.newSubManager()) {
                NDArray in = step.create(x, shape);
                in.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    NDArray y = block.forward(new ParameterStore(step, false), new NDList(in), true).singletonOrThrow();
                    fusedOut = y.toFloatArray();
                    gc.backward(y.mul(step.create(w, shape)).sum());
                }
                fusedGrad = new float[][] {in.getGradient().toFloatArray(), g.getGradient().toFloatArray(),
                    b.getGradient().toFloatArray()};
            }

            try (NDManager step = m.newSubManager()) {
                NDArray in = step.create(x, shape);
                NDArray cg = step.create(gamma, perChannel);
                NDArray cb = step.create(beta, perChannel);
                for (NDArray a : new NDArray[] {in, cg, cb}) {
                    a.setRequiresGradient(true);
                }
                float[] composedOut;
                try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    NDArray y = composed(norm, in, channels).mul(cg).add(cb);
                    composedOut = y.toFloatArray();
                    gc.backward(y.mul(step.create(w, shape)).sum());
                }
                assertThat(TorchReference.relativeError(fusedOut, composedOut)).as("output").isLessThan(1e-5);
                assertThat(TorchReference.relativeError(fusedGrad[0], in.getGradient().toFloatArray()))
                        .as("input gradient").isLessThan(1e-4);
                assertThat(TorchReference.relativeError(fusedGrad[1], cg.getGradient().toFloatArray()))
                        .as("gamma gradient").isLessThan(1e-4);
                assertThat(TorchReference.relativeError(fusedGrad[2], cb.getGradient().toFloatArray()))
                        .as("beta gradient").isLessThan(1e-4);
            }
        }
    }

    /** The normalization without γ, β, from mean, subtract, square, mean, add, sqrt, divide. */
    private static NDArray composed(Normalization norm, NDArray x, int channels) {
        Shape shape = x.getShape();
        if (norm == Normalization.LAYER_CHANNEL) {
            NDArray c = x.sub(x.mean(new int[] {1}, true));
            return c.div(c.square().mean(new int[] {1}, true).add(NormalizationLayers.EPSILON).sqrt());
        }
        int groups = switch (norm) {
            case LAYER -> 1;
            case INSTANCE -> channels;
            case GROUP -> NormalizationLayers.groupsFor(channels);
            default -> throw new IllegalArgumentException(norm.toString());
        };
        NDArray v = x.reshape(shape.get(0), groups, -1);
        NDArray c = v.sub(v.mean(new int[] {2}, true));
        return c.div(c.square().mean(new int[] {2}, true).add(NormalizationLayers.EPSILON).sqrt()).reshape(shape);
    }

    private static float[] gaussian(Random rnd, int n, double sd, double mean) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (mean + sd * rnd.nextGaussian() + (i % 3));
        }
        return v;
    }
}
