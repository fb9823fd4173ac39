package org.brainseg.model.net;

import ai.djl.nn.Block;
import java.util.Locale;

/**
 * The normalization layer after each convolution of the U-Net, one kind per model.
 *
 * <p>Rawat &amp; Kumar (ICCIDS 2022) compare layer normalization against none; the paper's full
 * text is embargoed, so which axes their LN normalizes is unknown and brainseg offers both
 * readings: {@link #LAYER} (the default) and {@link #LAYER_CHANNEL}. The others widen the
 * ablation. All of them use epsilon {@value #EPSILON} and learn a scale γ and shift β per channel,
 * so none depends on the input's spatial size.
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
    /**
     * GroupNorm with {@value #GROUPS} groups; with fewer channels, or a count not divisible by 8, the
     * largest divisor of the channel count not above 8 (e.g. 6 channels: 6 groups, 12: 6).
     */
    GROUP("group"),
    /** Batch normalization: batch statistics while training, running averages (momentum 0.1) otherwise. */
    BATCH("batch");

    /** Added to the variance before the square root, as PyTorch's default. */
    public static final float EPSILON = 1e-5f;
    /** Groups of {@link #GROUP}. */
    public static final int GROUPS = 8;

    private final String id;

    Normalization(String id) {
        this.id = id;
    }

    /** The name used in model.json and on the command line. */
    public String id() {
        return id;
    }

    /** A new normalization block for {@code channels} channels, or null for {@link #NONE}. */
    public Block create(int channels) {
        return switch (this) {
            case NONE -> null;
            case LAYER -> new GroupNormBlock(channels, 1);
            case INSTANCE -> new GroupNormBlock(channels, channels);
            case GROUP -> new GroupNormBlock(channels, groupsFor(channels));
            case LAYER_CHANNEL -> new ChannelLayerNormBlock(channels);
            case BATCH -> new BatchNormBlock(channels);
        };
    }

    /** Groups {@link #GROUP} uses for a channel count: the largest divisor of it that is at most 8. */
    public static int groupsFor(int channels) {
        for (int g = Math.min(GROUPS, channels); g > 1; g--) {
            if (channels % g == 0) {
                return g;
            }
        }
        return 1;
    }

    /** Parses {@code none, layer, layer-channel, instance, group, batch} (case-insensitive). */
    public static Normalization parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (Normalization v : values()) {
            if (v.id.equals(n)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown normalization '" + name
                + "' (expected none, layer, layer-channel, instance, group or batch)");
    }

    @Override
    public String toString() {
        return id;
    }
}
