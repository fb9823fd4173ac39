package org.brainseg.model.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.LayoutType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A 3-D convolution (same parameters, file format and forward result as DJL's {@link Conv3d}) whose
 * backward pass is correct on every x86 CPU.
 *
 * <p><b>Why.</b> PyTorch 2.5.1's oneDNN 3.5.3 runs a float32 3-D convolution with a kernel larger
 * than 1 through its direct jit kernel ({@code jit:avx512_core}, {@code jit:avx2}), which keeps
 * channels in blocks of the SIMD width (16 floats under AVX-512, 8 under AVX2). When the number of
 * output channels is not a multiple of that block, the padded block makes {@code backward_data}
 * (the gradient with respect to the input) wrong: errors of 10-50 % that change from call to call,
 * often NaN. Seen on an AMD EPYC family 26 (Zen 5) with AVX-512; {@code ConvolutionBackwardTest}
 * pins it. The forward pass and the weight gradient are right.
 *
 * <p><b>Fix.</b> While autograd records (training), the weight and bias are padded with zero filters
 * up to a multiple of {@link #CHANNEL_BLOCK} output channels, the convolution runs on full blocks and
 * the extra channels are sliced off. The gradient flowing into the padded channels is then a real
 * zero, and the weight gradient of the real filters is unchanged. With autograd off (inference) the
 * plain convolution runs: its forward pass is right, and padding would only cost time.
 */
public final class BlockAlignedConv3d extends Convolution {
    /** Output channels are padded to a multiple of this: the widest oneDNN float32 block (AVX-512). */
    public static final int CHANNEL_BLOCK = 16;

    private static final LayoutType[] LAYOUT = {LayoutType.BATCH, LayoutType.CHANNEL, LayoutType.DEPTH,
        LayoutType.HEIGHT, LayoutType.WIDTH};

    private BlockAlignedConv3d(Builder builder) {
        super(builder);
    }

    /** A convolution with {@code filters} output channels, cubic kernel {@code kernel}, stride 1, "same" padding. */
    public static BlockAlignedConv3d of(int kernel, int filters) {
        if (kernel < 1 || kernel % 2 == 0) {
            throw new IllegalArgumentException("kernel must be odd and positive, got " + kernel);
        }
        int p = kernel / 2;
        return new Builder().setKernelShape(new Shape(kernel, kernel, kernel)).optPadding(new Shape(p, p, p))
                .optStride(new Shape(1, 1, 1)).optDilation(new Shape(1, 1, 1))
                .setFilters(filters).build();
    }

    /** Output channels rounded up to a multiple of {@link #CHANNEL_BLOCK}. */
    public static int alignedFilters(int filters) {
        return (filters + CHANNEL_BLOCK - 1) / CHANNEL_BLOCK * CHANNEL_BLOCK;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        NDArray b = ps.getValue(bias, x.getDevice(), training);
        int extra = alignedFilters(filters) - filters;
        if (extra == 0 || kernelShape.get(0) == 1 || !JniUtils.isGradMode()) {
            return Conv3d.conv3d(x, w, b, stride, padding, dilation, groups);
        }
        NDManager m = x.getManager();
        Shape ws = w.getShape();
        NDArray wp = NDArrays.concat(new NDList(w, m.zeros(new Shape(extra, ws.get(1), ws.get(2), ws.get(3), ws.get(4)),
                w.getDataType(), w.getDevice())), 0);
        // An op called on a parameter attaches its result to the model's manager: move it to the step's.
        wp.attach(m);
        NDArray bp = null;
        if (b != null) {
            bp = NDArrays.concat(new NDList(b, m.zeros(new Shape(extra), b.getDataType(), b.getDevice())), 0);
            bp.attach(m);
        }
        NDArray y = Conv3d.conv3d(x, wp, bp, stride, padding, dilation, groups).singletonOrThrow();
        return new NDList(y.get(new NDIndex(":, :{}", filters)));
    }

    @Override
    protected LayoutType[] getExpectedLayout() {
        return LAYOUT;
    }

    @Override
    protected String getStringLayout() {
        return "NCDHW";
    }

    @Override
    protected int numDimensions() {
        return 5;
    }

    private static final class Builder extends ConvolutionBuilder<Builder> {
        @Override
        protected Builder self() {
            return this;
        }

        BlockAlignedConv3d build() {
            validate();
            return new BlockAlignedConv3d(this);
        }
    }
}
