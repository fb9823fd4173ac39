package org.brainseg.model.train;

import java.util.List;
import org.brainseg.schemas.RegionValues;

/**
 * One epoch of a training run.
 *
 * @param epoch 1-based
 * @param trainLoss mean loss of the epoch's steps
 * @param valLoss mean validation loss over the held-out cases (NaN without validation cases)
 * @param valDice mean validation Dice per label and region (null without validation cases)
 * @param perCase validation result per case
 * @param learningRate rate of the epoch's last step
 * @param seconds wall time of the epoch, validation included
 * @param best whether this epoch's checkpoint is the best so far (and was saved)
 */
public record EpochResult(int epoch, double trainLoss, double valLoss, RegionValues valDice,
        List<CaseDice> perCase, double learningRate, double seconds, boolean best) {
    public EpochResult {
        perCase = List.copyOf(perCase);
    }

    /** Mean of the WT, TC and ET Dice, or NaN without validation. */
    public double meanRegionDice() {
        return valDice == null ? Double.NaN : valDice.meanRegions();
    }
}
