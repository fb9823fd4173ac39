package org.brainseg.model.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.brainseg.schemas.Normalization;

/**
 * Two (3×3×3 convolution, normalization, LeakyReLU 0.01) stages, padding 1 so the spatial size is
 * kept: one level of the {@link UNet3d}.
 */
public final class ConvBlock extends AbstractBlock {
    /** Negative slope of the LeakyReLU, as nnU-Net. */
    public static final float LEAKY_SLOPE = 0.01f;

    private final int in;
    private final int out;
    private final Block conv1;
    private final Block norm1;
    private final Block conv2;
    private final Block norm2;

    public ConvBlock(int in, int out, Normalization normalization) {
        this.in = in;
        this.out = out;
        conv1 = addChildBlock("conv1", conv3(out));
        norm1 = addNorm("norm1", NormalizationLayers.create(normalization, out));
        conv2 = addChildBlock("conv2", conv3(out));
        norm2 = addNorm("norm2", NormalizationLayers.create(normalization, out));
    }

    private Block addNorm(String name, Block norm) {
        return norm == null ? null : addChildBlock(name, norm);
    }

    static BlockAlignedConv3d conv3(int filters) {
        return BlockAlignedConv3d.of(3, filters);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList x = conv1.forward(ps, inputs, training, params);
        x = activate(norm1 == null ? x : norm1.forward(ps, x, training, params));
        x = conv2.forward(ps, x, training, params);
        return activate(norm2 == null ? x : norm2.forward(ps, x, training, params));
    }

    private static NDList activate(NDList x) {
        NDArray a = x.singletonOrThrow();
        return new NDList(Activation.leakyRelu(a, LEAKY_SLOPE));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape s = inputShapes[0];
        Shape outShape = new Shape(s.get(0), out, s.get(2), s.get(3), s.get(4));
        conv1.initialize(manager, dataType, new Shape(s.get(0), in, s.get(2), s.get(3), s.get(4)));
        conv2.initialize(manager, dataType, outShape);
        if (norm1 != null) {
            norm1.initialize(manager, dataType, outShape);
            norm2.initialize(manager, dataType, outShape);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), out, s.get(2), s.get(3), s.get(4))};
    }
}
