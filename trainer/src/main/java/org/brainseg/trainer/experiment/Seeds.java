package org.brainseg.trainer.experiment;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * The training seeds of an experiment, from {@code --seeds}: a count N (seeds first, first + 1, …,
 * first + N − 1, where first is {@code --seed}) or an explicit comma-separated list of two or more
 * distinct seeds. Each seed gives every variant its own weights, patch order and augmentation; the
 * split does not change with it.
 */
public final class Seeds {
    private Seeds() {}

    /**
     * @param spec "N" or "s1,s2,..."; null or blank means one run with {@code first}
     * @throws IllegalArgumentException naming {@code --seeds} for a count below 1, a non-integer or a
     *     seed listed twice
     */
    public static List<Long> parse(String spec, long first) {
        if (spec == null || spec.isBlank()) {
            return List.of(first);
        }
        String[] parts = spec.split(",", -1);
        if (parts.length == 1) {
            int n = parseInt(parts[0].trim(), spec);
            if (n < 1) {
                throw new IllegalArgumentException("--seeds: the number of seeds must be at least 1, got " + n);
            }
            List<Long> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(first + i);
            }
            return List.copyOf(out);
        }
        List<Long> out = new ArrayList<>();
        for (String p : parts) {
            out.add(parseLong(p.trim(), spec));
        }
        if (new HashSet<>(out).size() != out.size()) {
            throw new IllegalArgumentException("--seeds: a seed is listed twice: " + spec);
        }
        return List.copyOf(out);
    }

    private static int parseInt(String s, String spec) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--seeds: expected a number of seeds (e.g. 3) or a list of integer seeds "
                    + "(e.g. 1,2,3), got '" + spec + "'");
        }
    }

    private static long parseLong(String s, String spec) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--seeds: '" + s + "' is not an integer seed in '" + spec + "'");
        }
    }
}
