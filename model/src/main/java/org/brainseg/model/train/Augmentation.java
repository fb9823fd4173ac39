package org.brainseg.model.train;

/**
 * Data augmentation of training patches.
 *
 * @param flipProbability probability of mirroring each of the three axes
 * @param intensityScale each channel is multiplied by a factor drawn from [1 − s, 1 + s]
 * @param intensityShift then shifted by an offset drawn from [−t, t] (in z-score units)
 */
public record Augmentation(double flipProbability, double intensityScale, double intensityShift) {
    public Augmentation {
        if (flipProbability < 0 || flipProbability > 1) {
            throw new IllegalArgumentException("flip probability must be in [0, 1], got " + flipProbability);
        }
        if (intensityScale < 0 || intensityScale >= 1 || intensityShift < 0) {
            throw new IllegalArgumentException("intensity scale must be in [0, 1) and shift >= 0");
        }
    }

    /** Flips with probability 0.5 per axis, ±10 % scale, ±0.1 shift per channel. */
    public static Augmentation defaults() {
        return new Augmentation(0.5, 0.1, 0.1);
    }

    public static Augmentation none() {
        return new Augmentation(0, 0, 0);
    }
}
