package org.brainseg.model.net;

import ai.djl.nn.Block;
import org.brainseg.schemas.Normalization;

/**
 * The DJL blocks behind each {@link Normalization}: all use epsilon {@value #EPSILON}, as PyTorch's
 * default, and learn a scale γ and shift β per channel.
 */
public final class NormalizationLayers {
    /** Added to the variance before the square root, as PyTorch's default. */
    public static final float EPSILON = 1e-5f;
    /** Groups of {@link Normalization#GROUP} where the channel count allows. */
    public static final int GROUPS = 8;

    private NormalizationLayers() {
    }

    /** A new normalization block of kind {@code kind} for {@code channels} channels, or null for {@link Normalization#NONE}. */
    public static Block create(Normalization kind, int channels) {
        return switch (kind) {
            case NONE -> null;
            case LAYER -> new GroupNormBlock(channels, 1);
            case INSTANCE -> new GroupNormBlock(channels, channels);
            case GROUP -> new GroupNormBlock(channels, groupsFor(channels));
            case LAYER_CHANNEL -> new ChannelLayerNormBlock(channels);
            case BATCH -> new BatchNormBlock(channels);
        };
    }

    /**
     * Groups {@link Normalization#GROUP} uses for a channel count: the largest divisor of it that
     * is at most {@value #GROUPS} (e.g. 6 channels: 6 groups, 12: 6).
     */
    public static int groupsFor(int channels) {
        for (int g = Math.min(GROUPS, channels); g > 1; g--) {
            if (channels % g == 0) {
                return g;
            }
        }
        return 1;
    }
}
