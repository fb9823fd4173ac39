package org.brainseg.model.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Group normalization (Wu &amp; He 2018) over (N, C, D, H, W) input: the channels are split into
 * {@code groups} groups and each sample's group is normalized over its channels and voxels, then
 * scaled and shifted per channel. One group is the layer normalization of Rawat &amp; Kumar
 * (ICCIDS 2022) as brainseg reads it ({@link Normalization#LAYER}); one group per channel is
 * instance normalization. Statistics never depend on the batch or the spatial size.
 *
 * <p>Built from NDArray ops (biased variance, epsilon {@value Normalization#EPSILON}), as
 * {@code torch.nn.functional.group_norm}. The PyTorch engine's {@code mean} takes a single axis,
 * hence the reshape to (N, G, -1).
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
        Shape shape = x.getShape();
        NDArray g = x.reshape(shape.get(0), groups, -1);
        NDArray centered = g.sub(g.mean(new int[] {2}, true));
        NDArray var = centered.square().mean(new int[] {2}, true);
        NDArray normalized = centered.div(var.add(Normalization.EPSILON).sqrt()).reshape(shape);
        return new NDList(scaleShift(ps, normalized, training));
    }
}
