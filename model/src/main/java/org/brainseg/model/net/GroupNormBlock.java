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
 * <p>Biased variance, epsilon {@value NormalizationLayers#EPSILON}: libtorch's own
 * {@code group_norm} kernel, γ and β inside it ({@link FusedGroupNorm}); for instance
 * normalization PyTorch's batch-norm kernel on a (1, N·C, -1) view with γ and β inside it.
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
        if (groups == channels) {
            return new NDList(instanceNormalize(ps, x, training));
        }
        return new NDList(FusedGroupNorm.apply(x, groups, gamma(ps, x, training), beta(ps, x, training), training));
    }

    /**
     * Instance normalization with γ and β inside the kernel: on the (1, N·C, rest) view each row is
     * one (sample, channel), so γ and β repeated once per sample are the kernel's own weights, and
     * the whole block is one native operator.
     */
    private NDArray instanceNormalize(ParameterStore ps, NDArray x, boolean training) {
        long samples = x.getShape().get(0);
        NDArray g = gamma(ps, x, training);
        NDArray b = beta(ps, x, training);
        if (samples > 1) {
            g = g.tile(samples);
            b = b.tile(samples);
        }
        return normalizeRows(x, samples * channels, g, b);
    }

    /** x viewed as (1, rows, rest), each row normalized and then scaled and shifted by its weight and bias. */
    static NDArray normalizeRows(NDArray x, long rows, NDArray weight, NDArray bias) {
        Shape shape = x.getShape();
        NDManager m = x.getManager();
        Shape stats = new Shape(rows);
        // Running statistics are required by the kernel but unused: momentum 0 (DJL's 1) leaves them as they are.
        NDArray normalized = x.getNDArrayInternal().batchNorm(x.reshape(1, rows, -1), m.zeros(stats), m.ones(stats),
                weight, bias, -1, 1f, NormalizationLayers.EPSILON, true).singletonOrThrow();
        return normalized.reshape(shape);
    }
}
