package org.brainseg.cli.command;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.brainseg.schemas.Quality;

/**
 * {@code brainseg evaluate --quality}: the quality estimate set beside the truth, per case and in
 * summary: how well the predicted WT Dice follows the true one (Pearson r, mean absolute error), and
 * how many of the cases that truly fell under the review threshold were flagged (and how many good
 * ones were flagged for nothing).
 */
final class QualityReport {
    private QualityReport() {}

    /** Prints the table and the summary; returns the summary for the JSON report. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> print(PrintWriter out, List<Map<String, Object>> rows, double reviewBelow) {
        out.printf(Locale.ROOT, "%-22s %8s %9s %9s %7s  %s%n", "case", "true WT", "pred. WT", "flip WT", "review", "reasons");
        List<Double> truth = new ArrayList<>();
        List<Double> predicted = new ArrayList<>();
        int bad = 0;
        int badFlagged = 0;
        int good = 0;
        int goodFlagged = 0;
        for (Map<String, Object> r : rows) {
            Quality q = (Quality) r.get("quality");
            double t = ((Map<String, Double>) r.get("dice")).get("WT");
            Double p = q.predictedDice() == null ? null : q.predictedDice().wt();
            out.printf(Locale.ROOT, "%-22s %8.3f %9s %9.3f %7s  %s%n", r.get("case"), t,
                    p == null ? "-" : String.format(Locale.ROOT, "%.3f", p), q.features().get("flipDice.WT"),
                    q.needsReview() ? "yes" : "no", String.join(",", q.reasons()));
            if (p != null) {
                truth.add(t);
                predicted.add(p);
            }
            if (t < reviewBelow) {
                bad++;
                badFlagged += q.needsReview() ? 1 : 0;
            } else {
                good++;
                goodFlagged += q.needsReview() ? 1 : 0;
            }
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("reviewBelow", reviewBelow);
        summary.put("casesUnderThreshold", bad);
        summary.put("flaggedUnderThreshold", badFlagged);
        summary.put("casesAtOrAbove", good);
        summary.put("flaggedAtOrAbove", goodFlagged);
        if (!truth.isEmpty()) {
            double r = pearson(truth, predicted);
            double mae = 0;
            for (int i = 0; i < truth.size(); i++) {
                mae += Math.abs(truth.get(i) - predicted.get(i)) / truth.size();
            }
            if (Double.isFinite(r)) { // constant truth or predictions: no correlation to speak of
                summary.put("pearsonWT", r);
            }
            summary.put("meanAbsoluteErrorWT", mae);
            double rho = spearman(truth, predicted);
            if (Double.isFinite(rho)) {
                summary.put("spearmanWT", rho);
            }
            double auroc = auroc(truth, predicted, reviewBelow);
            if (Double.isFinite(auroc)) {
                summary.put("aurocWT", auroc);
            }
            out.printf(Locale.ROOT, "predicted against true WT Dice: Pearson r %.3f, Spearman %.3f, mean absolute error %.3f "
                    + "(%d cases)%n", r, rho, mae, truth.size());
            out.printf(Locale.ROOT, "predicted WT Dice telling true WT < %.2f from the rest: AUROC %s%n", reviewBelow,
                    Double.isFinite(auroc) ? String.format(Locale.ROOT, "%.3f", auroc) : "- (needs cases on both sides)");
        } else {
            out.println("no predicted Dice: the model has no quality.json (brainseg models calibrate makes one)");
        }
        out.printf(Locale.ROOT, "needsReview: %d of %d cases with true WT < %.2f flagged; %d of %d others flagged%n", badFlagged,
                bad, reviewBelow, goodFlagged, good);
        return summary;
    }

    /** Spearman's rank correlation (average ranks for ties). */
    static double spearman(List<Double> a, List<Double> b) {
        return pearson(ranks(a), ranks(b));
    }

    static List<Double> ranks(List<Double> v) {
        Integer[] order = new Integer[v.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(v.get(x), v.get(y)));
        Double[] r = new Double[v.size()];
        for (int i = 0; i < order.length; ) {
            int j = i;
            while (j + 1 < order.length && v.get(order[j + 1]).equals(v.get(order[i]))) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                r[order[k]] = rank;
            }
            i = j + 1;
        }
        return List.of(r);
    }

    /**
     * How well a low predicted Dice picks the cases whose true Dice is below {@code threshold}: the
     * probability that such a case is predicted lower than a case at or above it (ties count half);
     * NaN without cases on both sides.
     */
    static double auroc(List<Double> truth, List<Double> predicted, double threshold) {
        double pairs = 0;
        double wins = 0;
        for (int i = 0; i < truth.size(); i++) {
            if (truth.get(i) >= threshold) {
                continue;
            }
            for (int j = 0; j < truth.size(); j++) {
                if (truth.get(j) < threshold) {
                    continue;
                }
                pairs++;
                int c = Double.compare(predicted.get(i), predicted.get(j));
                wins += c < 0 ? 1 : c == 0 ? 0.5 : 0;
            }
        }
        return pairs == 0 ? Double.NaN : wins / pairs;
    }

    static double pearson(List<Double> a, List<Double> b) {
        int n = a.size();
        double ma = a.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double mb = b.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < n; i++) {
            double x = a.get(i) - ma;
            double y = b.get(i) - mb;
            sab += x * y;
            saa += x * x;
            sbb += y * y;
        }
        return saa == 0 || sbb == 0 ? Double.NaN : sab / Math.sqrt(saa * sbb);
    }
}
