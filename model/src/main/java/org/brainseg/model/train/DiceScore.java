package org.brainseg.model.train;

import java.util.function.IntPredicate;
import org.brainseg.schemas.RegionValues;

/**
 * Dice of an internal label map against the ground truth, per label and region. Both masks empty
 * gives 1 (BraTS convention). Validation needs only Dice; the full metrics (with HD95) live in the
 * imaging module.
 */
public final class DiceScore {
    private DiceScore() {}

    public static RegionValues of(float[] prediction, float[] truth) {
        if (prediction.length != truth.length) {
            throw new IllegalArgumentException("prediction has " + prediction.length + " voxels, truth " + truth.length);
        }
        long[][] confusion = new long[4][4];
        for (int i = 0; i < truth.length; i++) {
            confusion[(int) prediction[i]][(int) truth[i]]++;
        }
        return RegionValues.of(t -> dice(confusion, p -> p == t.internal()), r -> dice(confusion, r::contains));
    }

    private static double dice(long[][] confusion, IntPredicate member) {
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
}
