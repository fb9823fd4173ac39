package org.brainseg.model.net;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The smallest reproducer of the wrong training numbers on AMD Zen 5 (issue 12): the gradient of a
 * 3×3×3 convolution with respect to its input, from oneDNN 3.5.3's {@code jit:avx512_core}
 * {@code backward_data} kernel (PyTorch 2.5.1, DJL 0.33.0), is wrong (errors of 10-50 %, changing
 * from call to call, often NaN) when the output channels are not a multiple of 16; under
 * {@code ONEDNN_MAX_CPU_ISA=AVX2} the same happens below multiples of 8. The reference is the same
 * convolution in float64, which PyTorch computes with its own kernel ({@code slow_conv3d}), not
 * oneDNN. {@link BlockAlignedConv3d} must agree with it for every channel count, three times in a row.
 */
class ConvolutionBackwardTest {
    @ParameterizedTest(name = "in={0} out={1} size={2}")
    @CsvSource({
        "8, 8, 16", // the default U-Net's level 0 (width 8), wrong on Zen 5 without the fix
        "4, 8, 16", // the first convolution of the default U-Net
        "16, 8, 8",
        "8, 4, 16", // width 4: wrong under AVX2 too
        "8, 1, 8",
        "8, 12, 8",
        "8, 24, 8", // width 12 or 24: padded to 32 in the blocked layout
        "16, 16, 8", // a full block: was always right
        "4, 20, 8",
    })
    void shouldMatchTheFloat64InputAndWeightGradient(int in, int out, int size) {
        Shape xs = new Shape(2, in, size, size, size);
        Random rnd = new Random(3);
        float[] x = gaussian(rnd, (int) xs.size());
        float[] g = gaussian(rnd, (int) (2L * out * size * size * size));
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Engine.getInstance().setRandomSeed(5);
            BlockAlignedConv3d conv = BlockAlignedConv3d.of(3, out);
            conv.initialize(m, DataType.FLOAT32, xs);
            float[] w = conv.getParameters().get("weight").getArray().toFloatArray();
            float[] b = gaussian(rnd, out);
            float[][] expected = float64(m, x, w, b, g, xs, out);
            for (int rep = 0; rep < 3; rep++) {
                float[][] actual = float32(m, w, b, x, g, xs, out);
                assertThat(TorchReference.relativeError(actual[0], expected[0])).as("output, try %d", rep).isLessThan(1e-5);
                assertThat(TorchReference.relativeError(actual[1], expected[1])).as("input gradient, try %d", rep)
                        .isLessThan(1e-5);
                assertThat(TorchReference.relativeError(actual[2], expected[2])).as("weight gradient, try %d", rep)
                        .isLessThan(1e-4);
            }
        }
    }

    /** A fresh convolution with weights {@code wv} and bias {@code bv}, so gradients start at zero. */
    private static float[][] float32(NDManager parent, float[] wv, float[] bv, float[] x, float[] g, Shape xs, int out) {
        try (NDManager m = parent.newSubManager()) {
            BlockAlignedConv3d conv = BlockAlignedConv3d.of(3, out);
            conv.initialize(m, DataType.FLOAT32, xs);
            NDArray w = conv.getParameters().get("weight").getArray();
            w.set(FloatBuffer.wrap(wv));
            conv.getParameters().get("bias").getArray().set(FloatBuffer.wrap(bv));
            w.setRequiresGradient(true);
            NDArray xa = m.create(x, xs);
            xa.setRequiresGradient(true);
            NDArray y;
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                y = conv.forward(new ParameterStore(m, false), new NDList(xa), true).singletonOrThrow();
                gc.backward(y.mul(m.create(g, y.getShape())).sum());
            }
            return new float[][] {y.toFloatArray(), xa.getGradient().toFloatArray(), w.getGradient().toFloatArray()};
        }
    }

    private static float[][] float64(NDManager parent, float[] x, float[] w, float[] b, float[] g, Shape xs, int out) {
        try (NDManager m = parent.newSubManager()) {
            NDArray xa = m.create(x, xs).toType(DataType.FLOAT64, false);
            NDArray wa = m.create(w, new Shape(out, xs.get(1), 3, 3, 3)).toType(DataType.FLOAT64, false);
            NDArray ba = m.create(b).toType(DataType.FLOAT64, false);
            xa.setRequiresGradient(true);
            wa.setRequiresGradient(true);
            NDArray y;
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                y = ai.djl.nn.convolutional.Conv3d.conv3d(xa, wa, ba, new Shape(1, 1, 1), new Shape(1, 1, 1),
                        new Shape(1, 1, 1), 1).singletonOrThrow();
                gc.backward(y.mul(m.create(g, y.getShape()).toType(DataType.FLOAT64, false)).sum());
            }
            return new float[][] {f32(y), f32(xa.getGradient()), f32(wa.getGradient())};
        }
    }

    private static float[] f32(NDArray a) {
        return a.toType(DataType.FLOAT32, false).toFloatArray();
    }

    private static float[] gaussian(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }
}
