package org.brainseg.trainer.experiment;

import java.util.List;
import java.util.Map;

/**
 * The outcome of training one normalization variant.
 *
 * @param normalization the variant's normalization (none, layer, ...)
 * @param history every epoch
 * @param bestEpoch epoch of the kept checkpoint (lowest validation loss)
 * @param bestValLoss validation loss of the kept checkpoint
 * @param perCaseDice Dice of every validation case at the kept checkpoint, per label/region key
 * @param parameters number of trainable parameters
 * @param trainSeconds total wall time
 */
public record VariantResult(
        String normalization,
        List<EpochRecord> history,
        int bestEpoch,
        double bestValLoss,
        Map<String, double[]> perCaseDice,
        long parameters,
        double trainSeconds) {
    public VariantResult {
        history = List.copyOf(history);
        perCaseDice = Map.copyOf(perCaseDice);
    }
}
