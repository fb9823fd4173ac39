package org.brainseg.model.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.brainseg.imaging.labels.Region;
import org.brainseg.imaging.labels.TumourLabel;

/**
 * Dice of an internal label map against the ground truth, per label ({@code edema, ncrNet,
 * enhancing}) and region ({@code WT, TC, ET}). Both masks empty gives 1 (BraTS convention).
 * Validation needs only Dice; the full metrics (with HD95) live in the imaging module.
 */
public final class DiceScore {
    /** The keys, in report order. */
    public static final String[] KEYS = {"edema", "ncrNet", "enhancing", "WT", "TC", "ET"};

    private DiceScore() {}

    public static Map<String, Double> of(float[] prediction, float[] truth) {
        if (prediction.length != truth.length) {
            throw new IllegalArgumentException("prediction has " + prediction.length + " voxels, truth " + truth.length);
        }
        long[][] confusion = new long[4][4];
        for (int i = 0; i < truth.length; i++) {
            confusion[(int) prediction[i]][(int) truth[i]]++;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (TumourLabel t : TumourLabel.values()) {
            int l = t.internal();
            out.put(t.key(), dice(confusion, p -> p == l));
        }
        for (Region r : Region.values()) {
            out.put(r.key(), dice(confusion, r::contains));
        }
        return out;
    }

    private static double dice(long[][] confusion, java.util.function.IntPredicate member) {
        long tp = 0;
        long predicted = 0;
        long actual = 0;
        for (int p = 0; p < 4; p++) {
            for (int t = 0; t < 4; t++) {
                long n = confusion[p][t];
                boolean inP = member.test(p);
                boolean inT = member.test(t);
                if (inP) {
                    predicted += n;
                }
                if (inT) {
                    actual += n;
                }
                if (inP && inT) {
                    tp += n;
                }
            }
        }
        return predicted + actual == 0 ? 1.0 : 2.0 * tp / (predicted + actual);
    }

    /** Mean of WT, TC and ET: the number the best checkpoint is chosen by. */
    public static double meanRegions(Map<String, Double> dice) {
        return (dice.get("WT") + dice.get("TC") + dice.get("ET")) / 3;
    }
}
