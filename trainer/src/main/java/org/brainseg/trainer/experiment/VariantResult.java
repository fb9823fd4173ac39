package org.brainseg.trainer.experiment;

import java.util.List;
import java.util.Map;
import org.brainseg.model.train.EpochResult;

/**
 * The outcome of training one normalization variant with one seed.
 *
 * @param normalization the variant's normalization (none, layer, ...)
 * @param seed the training seed (weights, patches, augmentation)
 * @param history every epoch
 * @param bestEpoch epoch of the kept checkpoint (chosen on the validation cases)
 * @param bestValLoss lowest validation loss over all epochs (the paper's measure)
 * @param valDice Dice of every validation case at the kept checkpoint, per label/region key
 * @param testDice Dice of every test case, scored once on the kept checkpoint, per label/region key
 * @param shiftedTestDice the same on the test cases under acquisition shift; empty when not asked for
 * @param parameters number of trainable parameters
 * @param trainSeconds wall time of training and validation (not of test scoring)
 */
public record VariantResult(
        String normalization,
        long seed,
        List<EpochResult> history,
        int bestEpoch,
        double bestValLoss,
        Map<String, double[]> valDice,
        Map<String, double[]> testDice,
        Map<String, double[]> shiftedTestDice,
        long parameters,
        double trainSeconds) {
    public VariantResult {
        history = List.copyOf(history);
        valDice = Map.copyOf(valDice);
        testDice = Map.copyOf(testDice);
        shiftedTestDice = Map.copyOf(shiftedTestDice);
    }

    public VariantResult(String normalization, long seed, List<EpochResult> history, int bestEpoch, double bestValLoss,
            Map<String, double[]> valDice, Map<String, double[]> testDice, long parameters, double trainSeconds) {
        this(normalization, seed, history, bestEpoch, bestValLoss, valDice, testDice, Map.of(), parameters, trainSeconds);
    }

    /** Mean Dice over the shifted test cases for a label/region key (NaN when absent). */
    public double shiftedTestMean(String key) {
        return Stats.mean(shiftedTestDice.get(key));
    }

    public boolean hasShiftedTest() {
        return !shiftedTestDice.isEmpty();
    }

    /**
     * The first epoch whose mean validation Dice over WT, TC and ET reached {@code threshold}, or
     * NaN if none did: how fast a run learned.
     */
    public double epochsTo(double threshold) {
        for (EpochResult e : history) {
            if (e.valDice() != null && e.meanRegionDice() >= threshold) {
                return e.epoch();
            }
        }
        return Double.NaN;
    }

    /** Mean test Dice over the test cases for a label/region key (NaN when absent). */
    public double testMean(String key) {
        return Stats.mean(testDice.get(key));
    }

    /** Mean validation Dice over the validation cases at the kept checkpoint (NaN when absent). */
    public double valMean(String key) {
        return Stats.mean(valDice.get(key));
    }

    /** Number of test cases scored. */
    public int testCases() {
        double[] wt = testDice.get("WT");
        return wt == null ? 0 : wt.length;
    }
}
