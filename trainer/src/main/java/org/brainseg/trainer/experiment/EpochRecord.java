package org.brainseg.trainer.experiment;

import java.util.Map;

/**
 * One epoch of one variant.
 *
 * @param epoch 1-based epoch
 * @param trainLoss mean training loss
 * @param valLoss mean validation loss (NaN when not validated this epoch)
 * @param valDice mean validation Dice per label and region (keys edema, ncrNet, enhancing, WT, TC, ET)
 * @param seconds wall time of the epoch including validation
 */
public record EpochRecord(int epoch, double trainLoss, double valLoss, Map<String, Double> valDice, double seconds) {
    public EpochRecord {
        valDice = Map.copyOf(valDice);
    }

    /** Mean of the region Dice values (WT, TC, ET), NaN if missing. */
    public double meanRegionDice() {
        Double wt = valDice.get("WT"), tc = valDice.get("TC"), et = valDice.get("ET");
        return wt == null || tc == null || et == null ? Double.NaN : (wt + tc + et) / 3;
    }
}
