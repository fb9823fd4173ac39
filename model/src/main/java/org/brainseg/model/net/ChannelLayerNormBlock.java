package org.brainseg.model.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.brainseg.model.engine.Scalars;

/**
 * Layer normalization across the channels of each voxel, as Keras' {@code LayerNormalization}
 * on channels-last data ({@code torch.nn.functional.layer_norm} over the channel axis after moving
 * it last), with a learned γ, β per channel: the second reading of Rawat &amp; Kumar's LN
 * ({@link org.brainseg.schemas.Normalization#LAYER_CHANNEL}). Independent of the input size.
 */
public final class ChannelLayerNormBlock extends AffineNormBlock {

    public ChannelLayerNormBlock(int channels) {
        super(channels);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        checkInput(x);
        NDArray centered = x.sub(x.mean(new int[] {1}, true));
        NDArray var = centered.square().mean(new int[] {1}, true);
        NDArray normalized = centered.div(var.add(Scalars.of(var, NormalizationLayers.EPSILON)).sqrt());
        return new NDList(scaleShift(ps, normalized, training));
    }
}
