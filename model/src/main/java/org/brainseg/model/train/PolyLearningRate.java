package org.brainseg.model.train;

import ai.djl.training.tracker.Tracker;

/**
 * nnU-Net's "poly" schedule: lr(t) = lr₀ · (1 − t / T)^0.9 over T optimizer steps, or a cosine
 * decay to 0 over the same span.
 */
public final class PolyLearningRate implements Tracker {
    /** Exponent of the poly schedule. */
    public static final double EXPONENT = 0.9;

    private final float initial;
    private final int totalSteps;
    private final LrSchedule schedule;

    public PolyLearningRate(float initial, int totalSteps, LrSchedule schedule) {
        if (!(initial > 0) || totalSteps < 1) {
            throw new IllegalArgumentException("need a positive learning rate and step count: " + initial + ", " + totalSteps);
        }
        this.initial = initial;
        this.totalSteps = totalSteps;
        this.schedule = schedule;
    }

    /** The rate of optimizer step {@code numUpdate} (1-based, as DJL's optimizers count). */
    @Override
    public float getNewValue(int numUpdate) {
        return rateAt(numUpdate - 1);
    }

    /** The rate for zero-based step {@code t}. */
    public float rateAt(int t) {
        double frac = Math.min(Math.max(t, 0), totalSteps - 1) / (double) totalSteps;
        double f = schedule == LrSchedule.POLY ? Math.pow(1 - frac, EXPONENT) : 0.5 * (1 + Math.cos(Math.PI * frac));
        return (float) (initial * f);
    }
}
