package org.brainseg.trainer.evaluation;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import org.brainseg.imaging.io.Sha256;
import org.brainseg.model.train.DataSplit;

/**
 * The fixed held-out set of a dataset, on which the promotion gate judges every candidate and the
 * active version. Each case is drawn by its id alone (a salted SHA-256 of the id mapped to [0, 1)
 * compared with the fraction), so the decision for a case never depends on which other cases
 * exist: when labelled scans are added to a dataset, the earlier held-out cases stay held out and
 * no training case moves into the held-out set. At least one case is held out and one trained on.
 */
public final class HeldOutSet {
    private HeldOutSet() {}

    /**
     * Splits case ids into training and held-out parts.
     *
     * @throws IllegalArgumentException with fewer than two ids or duplicate ids
     */
    public static DataSplit split(List<String> ids, double fraction, long seed) {
        if (fraction <= 0 || fraction >= 1) {
            throw new IllegalArgumentException("held-out fraction must be in (0, 1), got " + fraction);
        }
        if (new HashSet<>(ids).size() != ids.size()) {
            throw new IllegalArgumentException("case ids must be unique");
        }
        if (ids.size() < 2) {
            throw new IllegalArgumentException("need at least 2 labelled cases (1 to train on, 1 held out), got " + ids.size());
        }
        List<String> held = new ArrayList<>();
        List<String> train = new ArrayList<>();
        for (String id : ids) {
            (draw(id, seed) < fraction ? held : train).add(id);
        }
        Comparator<String> byDraw = Comparator.comparingDouble(id -> draw(id, seed));
        if (held.isEmpty()) {
            String first = train.stream().min(byDraw).orElseThrow();
            train.remove(first);
            held.add(first);
        } else if (train.isEmpty()) {
            String last = held.stream().max(byDraw).orElseThrow();
            held.remove(last);
            train.add(last);
        }
        held.sort(null);
        train.sort(null);
        return new DataSplit(train, held);
    }

    /** The case's draw in [0, 1): the first 53 bits of SHA-256(seed ':' id). */
    static double draw(String id, long seed) {
        byte[] h = Sha256.digest().digest((seed + ":" + id).getBytes(StandardCharsets.UTF_8));
        long bits = 0;
        for (int i = 0; i < 8; i++) {
            bits = (bits << 8) | (h[i] & 0xff);
        }
        return (bits >>> 11) / (double) (1L << 53);
    }
}
