package org.brainseg.trainer.service;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.brainseg.model.train.DiceScore;
import org.brainseg.schemas.ModelVersionPublished;
import org.brainseg.schemas.RegionValues;

/**
 * A model version judged on a held-out set.
 *
 * @param loss mean over cases of the training loss (cross-entropy + soft Dice) on the model's own
 *     preprocessed grid
 * @param dice mean over cases of the Dice per label and region ({@link DiceScore#KEYS}), on each
 *     scan's original grid
 * @param cases the held-out case ids
 */
public record Evaluation(double loss, Map<String, Double> dice, List<String> cases) {
    public Evaluation {
        dice = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(dice));
        cases = List.copyOf(cases);
    }

    /** The gate's figure: the mean of the WT, TC and ET Dice. */
    public double meanDice() {
        return DiceScore.meanRegions(dice);
    }

    /** As the validation block of a ModelVersionPublished. */
    public ModelVersionPublished.Validation toValidation() {
        return new ModelVersionPublished.Validation(Math.max(0, loss), new RegionValues(d("edema"), d("ncrNet"),
                d("enhancing"), d("WT"), d("TC"), d("ET")));
    }

    /** From a published validation block (for a version that cannot be evaluated any more). */
    public static Evaluation of(ModelVersionPublished.Validation v) {
        Map<String, Double> d = new LinkedHashMap<>();
        RegionValues r = v.dice();
        d.put("edema", r.edema());
        d.put("ncrNet", r.ncrNet());
        d.put("enhancing", r.enhancing());
        d.put("WT", r.wt());
        d.put("TC", r.tc());
        d.put("ET", r.et());
        return new Evaluation(v.loss(), d, List.of());
    }

    private double d(String key) {
        Double v = dice.get(key);
        return v == null || v.isNaN() ? 0 : Math.min(1, Math.max(0, v));
    }
}
