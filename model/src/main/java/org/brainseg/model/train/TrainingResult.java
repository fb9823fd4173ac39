package org.brainseg.model.train;

import java.nio.file.Path;
import java.util.List;
import org.brainseg.model.artifact.ModelManifest;

/**
 * The outcome of {@link UNetTraining#fit}.
 *
 * @param history every epoch run, in order
 * @param bestEpoch the epoch whose checkpoint was kept (1-based)
 * @param stoppedEarly whether early stopping ended the run
 * @param modelDir the model directory (best checkpoint)
 * @param manifest its model.json
 * @param trainCaseIds cases trained on
 * @param valCaseIds cases validated on
 * @param meanStepSeconds mean wall time of one optimizer step
 */
public record TrainingResult(List<EpochResult> history, int bestEpoch, boolean stoppedEarly, Path modelDir,
        ModelManifest manifest, List<String> trainCaseIds, List<String> valCaseIds, double meanStepSeconds) {
    public TrainingResult {
        history = List.copyOf(history);
        trainCaseIds = List.copyOf(trainCaseIds);
        valCaseIds = List.copyOf(valCaseIds);
    }

    /** The kept epoch's result, with per-case validation Dice. */
    public EpochResult best() {
        return history.get(bestEpoch - 1);
    }

    /** The lowest validation loss of the run (NaN without validation). */
    public double bestValLoss() {
        return history.stream().mapToDouble(EpochResult::valLoss).filter(v -> !Double.isNaN(v)).min().orElse(Double.NaN);
    }
}
