package org.brainseg.model.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

/**
 * A train/validation split of case ids: shuffled with a seed after sorting, so the same ids, fraction
 * and seed always give the same split (every variant of an experiment sees the same cases).
 *
 * @param train ids to train on, sorted
 * @param validation held-out ids, sorted
 */
public record DataSplit(List<String> train, List<String> validation) {
    public DataSplit {
        train = List.copyOf(train);
        validation = List.copyOf(validation);
    }

    /**
     * Splits ids: round(n · valFraction) held out, at least one when {@code valFraction > 0} and
     * there are two or more cases, and always at least one for training.
     */
    public static DataSplit of(List<String> ids, double valFraction, long seed) {
        if (valFraction < 0 || valFraction >= 1) {
            throw new IllegalArgumentException("validation fraction must be in [0, 1), got " + valFraction);
        }
        List<String> sorted = new ArrayList<>(new HashSet<>(ids));
        if (sorted.size() != ids.size()) {
            throw new IllegalArgumentException("case ids must be unique");
        }
        Collections.sort(sorted);
        Collections.shuffle(sorted, new Random(seed));
        int n = sorted.size();
        int val = (int) Math.round(n * valFraction);
        if (valFraction > 0 && n >= 2) {
            val = Math.max(1, val);
        }
        val = Math.min(val, n - 1);
        List<String> v = new ArrayList<>(sorted.subList(0, Math.max(0, val)));
        List<String> t = new ArrayList<>(sorted.subList(Math.max(0, val), n));
        Collections.sort(v);
        Collections.sort(t);
        return new DataSplit(t, v);
    }

    /** The items whose id is in the training part, in the order given. */
    public <T> List<T> trainOf(List<T> items, Function<T, String> id) {
        Set<String> s = new HashSet<>(train);
        return items.stream().filter(i -> s.contains(id.apply(i))).toList();
    }

    /** The items whose id is in the validation part, in the order given. */
    public <T> List<T> validationOf(List<T> items, Function<T, String> id) {
        Set<String> s = new HashSet<>(validation);
        return items.stream().filter(i -> s.contains(id.apply(i))).toList();
    }
}
