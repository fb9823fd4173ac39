package org.brainseg.trainer.evaluation;

import java.util.List;
import java.util.Objects;
import org.brainseg.schemas.ModelVersionPublished;
import org.brainseg.schemas.RegionValues;

/**
 * A model version judged on a held-out set.
 *
 * @param loss mean over cases of the training loss (cross-entropy + soft Dice) on the model's own
 *     preprocessed grid; null for an imported model, whose outputs are not brainseg's classes
 * @param dice mean over cases of the Dice per label and region, on each scan's original grid
 * @param cases the held-out case ids
 */
public record Evaluation(Double loss, RegionValues dice, List<String> cases) {
    public Evaluation {
        Objects.requireNonNull(dice, "dice");
        cases = List.copyOf(cases);
    }

    /** The gate's figure: the mean of the WT, TC and ET Dice. */
    public double meanDice() {
        return dice.meanRegions();
    }

    /** As the validation block of a ModelVersionPublished. */
    public ModelVersionPublished.Validation toValidation() {
        return new ModelVersionPublished.Validation(loss == null ? null : Math.max(0, loss), dice);
    }

    /** From a published validation block (for a version that cannot be evaluated any more). */
    public static Evaluation of(ModelVersionPublished.Validation v) {
        return new Evaluation(v.loss(), v.dice(), List.of());
    }
}
