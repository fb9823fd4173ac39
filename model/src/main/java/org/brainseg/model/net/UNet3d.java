package org.brainseg.model.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * A 3-D U-Net (Çiçek et al. 2016) as used by Rawat &amp; Kumar, "Assessing Layer Normalization
 * with BraTS MRI Data in a Convolution Neural Net" (ICCIDS 2022): an encoder of {@code depth}
 * levels of {@link ConvBlock}s with 2×2×2 max pooling between them, channels doubling per level
 * from {@code baseWidth}, a decoder that upsamples and concatenates the encoder's output of the
 * same level (skip connection), and a 1×1×1 convolution to {@code classes} logits.
 *
 * <p><b>Upsampling.</b> DJL's PyTorch engine has no transposed convolution. The decoder upsamples
 * by nearest-neighbour repetition ({@code NDArray.repeat} by 2 on D, H and W) followed by a 1×1×1
 * convolution that halves the channels, i.e. a 2×2×2 stride-2 transposed convolution whose weights
 * are shared by the 8 sub-positions. The 1×1×1 convolution is computed before the repetition at the
 * coarse level, which gives the same result at an eighth of the cost. The following 3×3×3
 * convolutions of the decoder block provide the spatial mixing.
 *
 * <p><b>Input.</b> (N, inChannels, D, H, W) float32. Each spatial size must be a multiple of
 * 2^(depth-1) (e.g. depth 3: multiples of 4); otherwise forward throws an
 * {@link IllegalArgumentException} naming the size. Output: (N, classes, D, H, W) logits.
 *
 * <p>Weights use He (Kaiming) normal initialization, biases zero, normalization γ = 1, β = 0.
 */
public final class UNet3d extends AbstractBlock {
    private final UNetConfig config;
    private final List<ConvBlock> encoders = new ArrayList<>();
    private final List<Block> ups = new ArrayList<>();
    private final List<ConvBlock> decoders = new ArrayList<>();
    private final Block head;

    public UNet3d(UNetConfig config) {
        this.config = config;
        int depth = config.depth();
        for (int l = 0; l < depth; l++) {
            int in = l == 0 ? config.inChannels() : config.width(l - 1);
            encoders.add(addChildBlock("enc" + l, new ConvBlock(in, config.width(l), config.normalization())));
        }
        for (int l = depth - 2; l >= 0; l--) {
            ups.add(0, null);
            decoders.add(0, null);
        }
        for (int l = depth - 2; l >= 0; l--) {
            ups.set(l, addChildBlock("up" + l, conv1(config.width(l))));
            decoders.set(l, addChildBlock("dec" + l,
                    new ConvBlock(2 * config.width(l), config.width(l), config.normalization())));
        }
        head = addChildBlock("head", conv1(config.classes()));
        setInitializer(new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN, XavierInitializer.FactorType.IN, 2),
                Parameter.Type.WEIGHT);
    }

    private static Conv3d conv1(int filters) {
        return Conv3d.builder().setKernelShape(new Shape(1, 1, 1)).setFilters(filters).build();
    }

    public UNetConfig config() {
        return config;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        checkInput(x.getShape());
        int depth = config.depth();
        List<NDArray> skips = new ArrayList<>();
        for (int l = 0; l < depth; l++) {
            x = encoders.get(l).forward(ps, new NDList(x), training, params).singletonOrThrow();
            if (l < depth - 1) {
                skips.add(x);
                x = Pool.maxPool3d(x, new Shape(2, 2, 2), new Shape(2, 2, 2), new Shape(0, 0, 0), false);
            }
        }
        for (int l = depth - 2; l >= 0; l--) {
            x = ups.get(l).forward(ps, new NDList(x), training, params).singletonOrThrow();
            x = x.repeat(2, 2).repeat(3, 2).repeat(4, 2);
            x = NDArrays.concat(new NDList(skips.get(l), x), 1);
            x = decoders.get(l).forward(ps, new NDList(x), training, params).singletonOrThrow();
        }
        return head.forward(ps, new NDList(x), training, params);
    }

    /** Checks an input shape (N, C, D, H, W) against the channel count and the input-size rule. */
    public void checkInput(Shape s) {
        if (s.dimension() != 5) {
            throw new IllegalArgumentException("U-Net input must be (N, C, D, H, W), got " + s);
        }
        if (s.get(1) != config.inChannels()) {
            throw new IllegalArgumentException("U-Net input has " + s.get(1) + " channels, expected "
                    + config.inChannels());
        }
        config.checkSpatialSize(s.get(2), s.get(3), s.get(4));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long n = inputShapes[0].get(0);
        int depth = config.depth();
        for (int l = 0; l < depth; l++) {
            int in = l == 0 ? config.inChannels() : config.width(l - 1);
            encoders.get(l).initialize(manager, dataType, new Shape(n, in, 4, 4, 4));
        }
        for (int l = depth - 2; l >= 0; l--) {
            ups.get(l).initialize(manager, dataType, new Shape(n, config.width(l + 1), 4, 4, 4));
            decoders.get(l).initialize(manager, dataType, new Shape(n, 2 * config.width(l), 4, 4, 4));
        }
        head.initialize(manager, dataType, new Shape(n, config.width(0), 4, 4, 4));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), config.classes(), s.get(2), s.get(3), s.get(4))};
    }
}
