package org.brainseg.model.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;

/**
 * Common part of the normalization blocks: per-channel γ (ones) and β (zeros), stored with shape
 * (1, C, 1, 1, 1) so that they broadcast against (N, C, D, H, W) without a reshape. A reshape of a
 * parameter would allocate on the model's manager on every step; broadcasting keeps every temporary
 * on the input's (per-step) manager.
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

    /** y = x̂ · γ + β. */
    protected NDArray scaleShift(ParameterStore ps, NDArray normalized, boolean training) {
        NDArray g = ps.getValue(gamma, normalized.getDevice(), training);
        NDArray b = ps.getValue(beta, normalized.getDevice(), training);
        return normalized.mul(g).add(b);
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
