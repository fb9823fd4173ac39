package org.brainseg.model.quality;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.brainseg.imaging.dataset.LoadedCase;
import org.brainseg.model.infer.ScanSegmenter;
import org.brainseg.model.infer.Segmentation;
import org.brainseg.schemas.Quality;

/**
 * A quality estimate for one scan without ground truth: the input guard ({@link InputGuard}) on the
 * scan, the flip agreement ({@link FlipAgreement}: one more pass of the model), the predicted Dice
 * from the version's calibration, and the review flag. Never fails a scan: an unusual input is
 * flagged, not refused. One per model version (its profile); thread-safe.
 */
public final class QualityEstimator {
    /** Reason: the predicted WT Dice is below the threshold. */
    public static final String LOW_PREDICTED_DICE = "low-predicted-dice";
    /**
     * Reason: the mask holds no tumour. brainseg segments scans sent because they show one; two
     * passes agreeing on nothing is no evidence of a good mask (an empty flip agreement is 1), so
     * the predicted Dice is 0 and a person should look.
     */
    public static final String NO_TUMOUR_FOUND = "no-tumour-found";
    /** Reason: no brain-like signal at all (the guard's hard case). */
    public static final String NO_BRAIN_SIGNAL = InputIssue.NO_BRAIN_SIGNAL.key();

    private final QualityProfile profile;
    private final InputGuard guard;
    private final double reviewBelowWt;

    /**
     * @param profile       the version's quality profile, or null (flip features and reference-free checks only)
     * @param reviewBelowWt a predicted WT Dice below this needs review, in [0, 1]
     */
    public QualityEstimator(QualityProfile profile, double reviewBelowWt) {
        if (!(reviewBelowWt >= 0 && reviewBelowWt <= 1)) {
            throw new IllegalArgumentException("reviewBelowWt must be in [0, 1], got " + reviewBelowWt);
        }
        this.profile = profile;
        this.guard = new InputGuard(profile == null ? null : profile.input());
        this.reviewBelowWt = reviewBelowWt;
    }

    /**
     * The estimate, its input verdict and its cost.
     *
     * @param quality             what SegmentationCompleted carries
     * @param outOfDistribution   the input guard flagged the scan
     * @param noBrainSignal       the guard's hard case
     * @param millis              time of the guard and the second pass
     */
    public record Estimate(Quality quality, boolean outOfDistribution, boolean noBrainSignal, long millis) {}

    /** Estimates the quality of {@code first}, the mask {@code model} made of {@code c}. */
    public Estimate estimate(ScanSegmenter model, LoadedCase c, Segmentation first) {
        long t0 = System.nanoTime();
        InputCheck input = guard.check(c.channels());
        Map<String, Double> features = new LinkedHashMap<>(FlipAgreement.measure(model, c, first));
        input.features().forEach((k, v) -> {
            if (Double.isFinite(v) && features.size() < Quality.MAX_FEATURES) {
                features.put("input." + k, v);
            }
        });
        List<String> reasons = new ArrayList<>();
        boolean empty = features.get("volume.WT") == 0;
        if (empty) {
            reasons.add(NO_TUMOUR_FOUND);
        }
        Quality.Regions predicted = null;
        if (profile != null && profile.calibration() != null) {
            double[] flip = {features.get("flipDice.WT"), features.get("flipDice.TC"), features.get("flipDice.ET")};
            double[] p = empty ? new double[3] : profile.calibration().predict(flip);
            predicted = new Quality.Regions(p[0], p[1], p[2]);
            if (p[0] < reviewBelowWt) {
                reasons.add(LOW_PREDICTED_DICE);
            }
        }
        for (String r : input.reasons()) {
            if (reasons.size() < Quality.MAX_REASONS && !reasons.contains(r)) {
                reasons.add(r);
            }
        }
        Quality q = new Quality(predicted, !reasons.isEmpty(), reasons, features);
        return new Estimate(q, input.outOfDistribution(), input.noBrainSignal(), (System.nanoTime() - t0) / 1_000_000);
    }
}
