package org.brainseg.model.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;

/**
 * Common part of the normalization blocks: per-channel γ (ones) and β (zeros), stored with shape
 * (1, C, 1, 1, 1) (the layout of saved models). Each call works on (C) views of them that belong to
 * the input's (per-step) manager, so no temporary ever lands on the model's manager.
 */
abstract class AffineNormBlock extends AbstractBlock {
    protected final int channels;
    private final Parameter gamma;
    private final Parameter beta;

    AffineNormBlock(int channels) {
        if (channels < 1) {
            throw new IllegalArgumentException("channels must be at least 1, got " + channels);
        }
        this.channels = channels;
        Shape s = new Shape(1, channels, 1, 1, 1);
        gamma = addParameter(Parameter.builder().setName("gamma").setType(Parameter.Type.GAMMA)
                .optShape(s).optInitializer(Initializer.ONES).build());
        beta = addParameter(Parameter.builder().setName("beta").setType(Parameter.Type.BETA)
                .optShape(s).optInitializer(Initializer.ZEROS).build());
    }

    /**
     * y = x̂ · γ + β per channel of (N, C, D, H, W) {@code normalized}, in one pass: PyTorch's
     * batch-norm kernel in inference mode with mean 0, variance 1 and epsilon 0 is exactly this
     * affine map, and its backward gives x̂, γ and β their gradients. A multiply then an add took two
     * passes over the activations and kept the product for backward (docs/BENCHMARKS.md, Optimizations).
     * (Axis -1 is DJL's "channels at axis 1, call the kernel directly"; any other axis transposes.)
     */
    protected NDArray scaleShift(ParameterStore ps, NDArray normalized, boolean training) {
        NDManager m = normalized.getManager();
        Shape c = new Shape(channels);
        return normalized.getNDArrayInternal().batchNorm(normalized, m.zeros(c), m.ones(c),
                gamma(ps, normalized, training), beta(ps, normalized, training), -1, 1f, 0f, false).singletonOrThrow();
    }

    /** γ as a (C) view owned by {@code owner}'s manager; gradients still reach the parameter. */
    protected NDArray gamma(ParameterStore ps, NDArray owner, boolean training) {
        return perChannel(ps, gamma, owner, training);
    }

    /** β as a (C) view owned by {@code owner}'s manager; gradients still reach the parameter. */
    protected NDArray beta(ParameterStore ps, NDArray owner, boolean training) {
        return perChannel(ps, beta, owner, training);
    }

    private NDArray perChannel(ParameterStore ps, Parameter p, NDArray owner, boolean training) {
        NDArray v = ps.getValue(p, owner.getDevice(), training).reshape(channels);
        v.attach(owner.getManager());
        return v;
    }

    protected void checkInput(NDArray x) {
        Shape s = x.getShape();
        if (s.dimension() != 5 || s.get(1) != channels) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " expects (N, " + channels
                    + ", D, H, W), got " + s);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    public int channels() {
        return channels;
    }
}
