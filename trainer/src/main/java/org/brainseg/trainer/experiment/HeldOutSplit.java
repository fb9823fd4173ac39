package org.brainseg.trainer.experiment;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

/**
 * A train / validation / test split of case ids for a sound comparison: validation picks each
 * run's checkpoint, the test cases are scored once on the kept checkpoint and never influence a
 * choice. The ids are sorted, then shuffled with the seed, so the same ids, fractions and seed always
 * give the same split; every variant and every training seed of an experiment sees the same cases.
 *
 * @param train ids to train on, sorted
 * @param validation ids that choose the checkpoint, sorted
 * @param test ids scored once at the end, sorted
 */
public record HeldOutSplit(List<String> train, List<String> validation, List<String> test) {
    public HeldOutSplit {
        train = List.copyOf(train);
        validation = List.copyOf(validation);
        test = List.copyOf(test);
    }

    /**
     * Holds out round(n · testFraction) test and round(n · valFraction) validation cases, at least one
     * of each, and trains on the rest (at least one).
     *
     * @throws IllegalArgumentException for fractions outside (0, 1), fractions that sum to 1 or more,
     *     duplicate ids, or too few cases for three non-empty parts
     */
    public static HeldOutSplit of(List<String> ids, double valFraction, double testFraction, long seed) {
        checkFraction("--val-fraction", valFraction);
        checkFraction("--test-fraction", testFraction);
        if (valFraction + testFraction >= 1) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "--val-fraction (%s) and --test-fraction (%s) must sum to less than 1: no cases would be left to train on",
                    valFraction, testFraction));
        }
        List<String> sorted = new ArrayList<>(new HashSet<>(ids));
        if (sorted.size() != ids.size()) {
            throw new IllegalArgumentException("case ids must be unique");
        }
        int n = sorted.size();
        int test = Math.max(1, (int) Math.round(n * testFraction));
        int val = Math.max(1, (int) Math.round(n * valFraction));
        if (n - test - val < 1) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%d labelled cases are too few for a train / validation / test split with --val-fraction %s and "
                            + "--test-fraction %s (%d validation + %d test would leave %d to train on); at least 3 are needed",
                    n, valFraction, testFraction, val, test, n - test - val));
        }
        Collections.sort(sorted);
        Collections.shuffle(sorted, new Random(seed));
        List<String> te = new ArrayList<>(sorted.subList(0, test));
        List<String> va = new ArrayList<>(sorted.subList(test, test + val));
        List<String> tr = new ArrayList<>(sorted.subList(test + val, n));
        Collections.sort(te);
        Collections.sort(va);
        Collections.sort(tr);
        return new HeldOutSplit(tr, va, te);
    }

    private static void checkFraction(String option, double f) {
        if (!(f > 0 && f < 1)) {
            throw new IllegalArgumentException(option + " must be in (0, 1), got " + f);
        }
    }

    public <T> List<T> trainOf(List<T> items, Function<T, String> id) {
        return of(items, id, train);
    }

    public <T> List<T> validationOf(List<T> items, Function<T, String> id) {
        return of(items, id, validation);
    }

    public <T> List<T> testOf(List<T> items, Function<T, String> id) {
        return of(items, id, test);
    }

    private static <T> List<T> of(List<T> items, Function<T, String> id, List<String> part) {
        Set<String> s = new HashSet<>(part);
        return items.stream().filter(i -> s.contains(id.apply(i))).toList();
    }
}
