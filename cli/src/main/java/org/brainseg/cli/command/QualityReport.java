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
            out.printf(Locale.ROOT, "predicted against true WT Dice: r %.3f, mean absolute error %.3f (%d cases)%n", r, mae,
                    truth.size());
        } else {
            out.println("no predicted Dice: the model has no quality.json (brainseg models calibrate makes one)");
        }
        out.printf(Locale.ROOT, "needsReview: %d of %d cases with true WT < %.2f flagged; %d of %d others flagged%n", badFlagged,
                bad, reviewBelow, goodFlagged, good);
        return summary;
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
