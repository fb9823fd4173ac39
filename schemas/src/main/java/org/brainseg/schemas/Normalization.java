package org.brainseg.schemas;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.brainseg.imaging.EnumNames;

/**
 * The normalization layer after each convolution of the U-Net, one kind per model; the one type
 * that events, model.json, configuration and the command line all name (model/README.md, Architecture).
 *
 * <p>Rawat &amp; Kumar (ICCIDS 2022) compare layer normalization against none; the paper's full
 * text is embargoed, so which axes their LN normalizes is unknown and brainseg offers both
 * readings: {@link #LAYER} (the default) and {@link #LAYER_CHANNEL}. The others widen the
 * ablation. Every kind learns a scale γ and shift β per channel, so none depends on the input's
 * spatial size. The layers themselves are built by the model module
 * ({@code org.brainseg.model.net.NormalizationLayers}); this type only names them, so that events
 * carry no dependency on DJL.
 */
public enum Normalization {
    /** No normalization: the paper's baseline (convolutions keep their bias). */
    NONE("none"),
    /**
     * Layer normalization for conv nets: statistics per sample over (C, D, H, W), per-channel γ, β;
     * GroupNorm with one group.
     */
    LAYER("layer"),
    /** Per voxel across the channels (Keras LayerNormalization on channels-last data), per-channel γ, β. */
    LAYER_CHANNEL("layer-channel"),
    /** Per sample and channel over (D, H, W): GroupNorm with one group per channel. */
    INSTANCE("instance"),
    /** GroupNorm with up to 8 groups (the largest divisor of the channel count not above 8). */
    GROUP("group"),
    /** Batch normalization: batch statistics while training, running averages (momentum 0.1) otherwise. */
    BATCH("batch");

    private final String wire;

    Normalization(String wire) {
        this.wire = wire;
    }

    /** The name used in events, model.json, configuration and on the command line. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** Parses {@code none, layer, layer-channel, instance, group, batch} (case-insensitive). */
    @JsonCreator
    public static Normalization parse(String value) {
        return EnumNames.parse(values(), Normalization::wire, "normalization", value);
    }

    @Override
    public String toString() {
        return wire;
    }
}
