package org.brainseg.model.quality;

import java.util.ArrayList;
import java.util.List;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.model.quality.InputGuard.Match;
import org.brainseg.model.quality.InputReference.Stat;

/**
 * Which reference modality each of a scan's modalities looks like. An order of the modalities
 * costs the sum of squared z (floored sd) of each modality's features against the reference
 * modality it is taken for, plus that of each pair's correlation against the correlation of the
 * pair it is taken for; the best of the 24 orders is the one of least cost. The correlations carry
 * most of it: T1 and FLAIR have alike histograms once divided by their medians, but T1 correlates
 * with T2 strongly and negatively and FLAIR only weakly.
 *
 * <p>A swap needs three things: an order other than the given one is best, it costs less than
 * {@link InputGuard#SWAP_COST_RATIO} of the given one, and it saves at least the square of
 * {@link InputGuard#SHIFT_Z_LIMIT} (as much as one feature moved by the shift limit). The last
 * keeps T1 and T1ce, alike outside the enhancing tumour, from being reported swapped on clean
 * scans, where exchanging them can halve a small cost (it saves 6 .. 16 on the synthetic
 * cohort); it is also why a real exchange of the two is found only where they differ clearly.
 */
final class ModalityMatch {
    private static final int N = InputFeatures.MODALITIES;
    private static final int PAIRS = InputFeatures.PAIRS.length;
    /** The 24 orders, the identity first, then lexicographic: ties go to the earlier one. */
    private static final int[][] ORDERS = permutations();
    /** PAIR_OF[a][b]: the index in {@link InputFeatures#PAIRS} of modalities a and b. */
    private static final int[][] PAIR_OF = pairIndex();

    private final double[][] unaryCost = new double[N][N];
    private final double[][] unaryMaxZ = new double[N][N];
    private final double[][] pairCost = new double[PAIRS][PAIRS];

    private ModalityMatch(InputFeatures s, InputReference ref) {
        for (int m = 0; m < N; m++) {
            for (int r = 0; r < N; r++) {
                if (s.features[m] == null) {
                    unaryCost[m][r] = Double.NaN;
                    unaryMaxZ[m][r] = Double.NaN;
                    continue;
                }
                InputReference.ModalityReference mr = ref.modalities().get(r);
                for (IntensityFeature f : IntensityFeature.values()) {
                    double z = mr.stat(f).z(s.features[m][f.ordinal()], InputReference.FEATURE_SD_FLOOR);
                    unaryCost[m][r] += z * z;
                    unaryMaxZ[m][r] = Math.max(unaryMaxZ[m][r], Math.abs(z));
                }
            }
        }
        for (int p = 0; p < PAIRS; p++) {
            for (int q = 0; q < PAIRS; q++) {
                Stat r = ref.correlations().get(q).r();
                double z = r.z(s.correlation[p], InputReference.CORRELATION_SD_FLOOR);
                pairCost[p][q] = z * z;
            }
        }
    }

    static Match match(InputFeatures s, InputReference ref) {
        boolean complete = true;
        for (int m = 0; m < N; m++) {
            complete &= s.usable(m) && s.features[m] != null;
        }
        ModalityMatch costs = new ModalityMatch(s, ref);
        int[] best = ORDERS[0];
        double identityCost = Double.NaN;
        double bestCost = Double.NaN;
        if (complete) {
            identityCost = costs.cost(ORDERS[0]);
            bestCost = identityCost;
            for (int[] order : ORDERS) {
                double c = costs.cost(order);
                if (c < bestCost) {
                    bestCost = c;
                    best = order;
                }
            }
            double limit = InputGuard.SHIFT_Z_LIMIT;
            if (!(bestCost < InputGuard.SWAP_COST_RATIO * identityCost) || !(identityCost - bestCost > limit * limit)) {
                best = ORDERS[0];
            }
        }
        double[] maxAbsZ = new double[N];
        for (int m = 0; m < N; m++) {
            maxAbsZ[m] = costs.unaryMaxZ[m][best[m]];
        }
        return new Match(cycles(best), maxAbsZ, identityCost, bestCost);
    }

    private double cost(int[] order) {
        double c = 0;
        for (int m = 0; m < N; m++) {
            c += unaryCost[m][order[m]];
        }
        for (int p = 0; p < PAIRS; p++) {
            int[] ab = InputFeatures.PAIRS[p];
            c += pairCost[p][PAIR_OF[order[ab[0]]][order[ab[1]]]];
        }
        return c;
    }

    /** The cycles of an order, each listed in channel order; none for the identity. */
    static List<List<Modality>> cycles(int[] order) {
        boolean[] seen = new boolean[N];
        List<List<Modality>> out = new ArrayList<>();
        for (int m = 0; m < N; m++) {
            if (seen[m] || order[m] == m) {
                continue;
            }
            List<Modality> cycle = new ArrayList<>();
            for (int k = m; !seen[k]; k = order[k]) {
                seen[k] = true;
                cycle.add(Modality.values()[k]);
            }
            cycle.sort(null);
            out.add(List.copyOf(cycle));
        }
        return List.copyOf(out);
    }

    private static int[][] pairIndex() {
        int[][] index = new int[N][N];
        for (int p = 0; p < PAIRS; p++) {
            int[] ab = InputFeatures.PAIRS[p];
            index[ab[0]][ab[1]] = p;
            index[ab[1]][ab[0]] = p;
        }
        return index;
    }

    private static int[][] permutations() {
        List<int[]> out = new ArrayList<>();
        permute(new int[N], new boolean[N], 0, out);
        return out.toArray(new int[0][]);
    }

    private static void permute(int[] prefix, boolean[] used, int depth, List<int[]> out) {
        if (depth == N) {
            out.add(prefix.clone());
            return;
        }
        for (int v = 0; v < N; v++) {
            if (!used[v]) {
                used[v] = true;
                prefix[depth] = v;
                permute(prefix, used, depth + 1, out);
                used[v] = false;
            }
        }
    }
}
