package org.brainseg.imaging.nifti;

/**
 * Bounds that keep a hostile file from exhausting memory.
 *
 * @param maxDecodedBytes largest decoded image (as float32) accepted; default 2^31 bytes
 */
public record NiftiLimits(long maxDecodedBytes) {
    /** 2^31 bytes of float32 voxels: a 4-modality 512x512x512 stack fits, a forged 2^40 does not. */
    public static final NiftiLimits DEFAULT = new NiftiLimits(1L << 31);

    public NiftiLimits {
        if (maxDecodedBytes < 4) {
            throw new IllegalArgumentException("maxDecodedBytes must be at least 4, got " + maxDecodedBytes);
        }
        // Java float arrays are indexed by int.
        maxDecodedBytes = Math.min(maxDecodedBytes, 4L * (Integer.MAX_VALUE - 8));
    }
}
