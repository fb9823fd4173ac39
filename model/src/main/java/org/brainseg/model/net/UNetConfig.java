package org.brainseg.model.net;

import java.util.Objects;
import org.brainseg.schemas.Normalization;

/**
 * The architecture of a {@link UNet3d}: what model.json records and what loading checks.
 *
 * @param inChannels input channels (4: T1, T1ce, T2, FLAIR)
 * @param classes output classes (4: background and the three internal tumour labels)
 * @param depth resolution levels, 1 to 6; the input's spatial sizes must be multiples of
 *     2^(depth-1)
 * @param baseWidth channels at the first level, doubling per level, 1 to 512
 * @param normalization normalization after each 3×3×3 convolution
 */
public record UNetConfig(int inChannels, int classes, int depth, int baseWidth, Normalization normalization) {
    /** Defaults that train on two CPU cores in minutes at 2 mm spacing. */
    public static final int DEFAULT_DEPTH = 3;
    public static final int DEFAULT_BASE_WIDTH = 8;
    public static final int MAX_DEPTH = 6;

    public UNetConfig {
        Objects.requireNonNull(normalization, "normalization");
        if (inChannels < 1) {
            throw new IllegalArgumentException("inChannels must be at least 1, got " + inChannels);
        }
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be at least 2, got " + classes);
        }
        if (depth < 1 || depth > MAX_DEPTH) {
            throw new IllegalArgumentException("depth must be 1.." + MAX_DEPTH + ", got " + depth);
        }
        if (baseWidth < 1 || baseWidth > 512) {
            throw new IllegalArgumentException("baseWidth must be 1..512, got " + baseWidth);
        }
    }

    /** brainseg's model: 4 modalities in, 4 classes out. */
    public static UNetConfig brats(int depth, int baseWidth, Normalization normalization) {
        return new UNetConfig(4, 4, depth, baseWidth, normalization);
    }

    public static UNetConfig defaults() {
        return brats(DEFAULT_DEPTH, DEFAULT_BASE_WIDTH, Normalization.LAYER);
    }

    /** Channels at level {@code level} (0 = full resolution). */
    public int width(int level) {
        return baseWidth << level;
    }

    /** Every spatial size of the input must be a multiple of this: 2^(depth-1). */
    public int sizeDivisor() {
        return 1 << (depth - 1);
    }

    /**
     * Checks spatial sizes against the input-size rule.
     *
     * @throws IllegalArgumentException naming the offending size and the rule
     */
    public void checkSpatialSize(long... sizes) {
        int div = sizeDivisor();
        for (int a = 0; a < sizes.length; a++) {
            if (sizes[a] < div || sizes[a] % div != 0) {
                throw new IllegalArgumentException("spatial size " + sizes[a] + " (axis " + a + ") is not a positive "
                        + "multiple of " + div + ": a U-Net of depth " + depth + " halves the input " + (depth - 1)
                        + " times, so each spatial size must be divisible by 2^(depth-1) = " + div);
            }
        }
    }
}
