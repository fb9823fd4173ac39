package org.brainseg.model.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Group normalization (Wu &amp; He 2018) over (N, C, D, H, W) input: the channels are split into
 * {@code groups} groups and each sample's group is normalized over its channels and voxels, then
 * scaled and shifted per channel. One group is the layer normalization of Rawat &amp; Kumar
 * (ICCIDS 2022) as brainseg reads it ({@link org.brainseg.schemas.Normalization#LAYER}); one group per channel is
 * instance normalization. Statistics never depend on the batch or the spatial size.
 *
 * <p>Biased variance, epsilon {@value NormalizationLayers#EPSILON}, as
 * {@code torch.nn.functional.group_norm}; computed by PyTorch's batch-norm kernel on a (1, N·G, -1)
 * view (see {@link #normalize}).
 */
public final class GroupNormBlock extends AffineNormBlock {
    private final int groups;

    public GroupNormBlock(int channels, int groups) {
        super(channels);
        if (groups < 1 || channels % groups != 0) {
            throw new IllegalArgumentException("groups must divide the channel count: " + groups + " groups, "
                    + channels + " channels");
        }
        this.groups = groups;
    }

    public int groups() {
        return groups;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        checkInput(x);
        return new NDList(scaleShift(ps, normalize(x, groups), training));
    }

    /**
     * Normalizes each sample's groups of (N, C, D, H, W) {@code x} to zero mean and unit (biased)
     * variance, without γ, β. As PyTorch does for {@code instance_norm}: the input is viewed as
     * (1, N·G, rest) and normalized by the fused batch-norm kernel with batch statistics, one
     * "channel" per (sample, group). One native operator, forward and backward, where composing it
     * from mean, subtract, square, mean, add, sqrt and divide took seven passes over the activations
     * and kept their intermediates for backward (docs/BENCHMARKS.md, Optimizations).
     */
    static NDArray normalize(NDArray x, int groups) {
        Shape shape = x.getShape();
        long rows = shape.get(0) * groups;
        NDManager m = x.getManager();
        Shape stats = new Shape(rows);
        // Running statistics are required by the kernel but unused: momentum 0 (DJL's 1) leaves them as they are.
        NDArray normalized = x.getNDArrayInternal().batchNorm(x.reshape(1, rows, -1), m.zeros(stats), m.ones(stats),
                m.ones(stats), m.zeros(stats), -1, 1f, NormalizationLayers.EPSILON, true).singletonOrThrow();
        return normalized.reshape(shape);
    }
}
