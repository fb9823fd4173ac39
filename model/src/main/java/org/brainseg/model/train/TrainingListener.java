package org.brainseg.model.train;

/**
 * Callbacks from {@link UNetTraining#fit}, on the training thread. All methods default to doing nothing.
 */
public interface TrainingListener {
    /** Does nothing. */
    TrainingListener NONE = new TrainingListener() {};

    /** Before the first step. */
    default void onStart(TrainingConfig config, int trainCases, int valCases) {}

    default void onStep(StepProgress progress) {}

    /** Before validating {@code index} (0-based) of {@code count} cases. */
    default void onValidationCase(int epoch, int index, int count) {}

    default void onEpoch(EpochResult result) {}
}
