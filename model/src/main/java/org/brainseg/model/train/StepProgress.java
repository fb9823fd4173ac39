package org.brainseg.model.train;

import org.brainseg.schemas.RegionValues;

/**
 * Progress after one optimizer step, for progress bars and logs.
 *
 * @param epoch 1-based
 * @param epochs planned epochs
 * @param step 1-based step within the epoch
 * @param stepsPerEpoch steps per epoch
 * @param globalStep steps done in the run
 * @param totalSteps steps planned (fewer are run if early stopping triggers)
 * @param loss this step's loss
 * @param learningRate this step's rate
 * @param elapsedSeconds since training started (ETA = elapsed / globalStep × remaining)
 * @param lastValDice mean validation Dice of the last validated epoch (null before the first)
 * @param liveNdArrays NDArrays alive on the model's manager after the step (flat in a healthy run)
 */
public record StepProgress(int epoch, int epochs, int step, int stepsPerEpoch, long globalStep, long totalSteps,
        double loss, double learningRate, double elapsedSeconds, RegionValues lastValDice, int liveNdArrays) {

    /** Estimated seconds to the end of the planned run (validation time not included). */
    public double etaSeconds() {
        return globalStep == 0 ? Double.NaN : elapsedSeconds / globalStep * (totalSteps - globalStep);
    }
}
