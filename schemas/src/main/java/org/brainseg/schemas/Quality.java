package org.brainseg.schemas;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * How far to trust a mask that has no ground truth (part of {@link SegmentationCompleted}, schema
 * version 2): the Dice the model's quality estimate predicts per region, whether a person should
 * look at it, why, and the raw numbers behind it.
 *
 * @param predictedDice the Dice predicted per region from the model's own outputs and its version's
 *                      calibration; null when the version has no calibration
 * @param needsReview   true when the predicted WT Dice is below the configured threshold or the input
 *                      looks out of distribution
 * @param reasons       why it needs review (empty when it does not), e.g. {@code low-predicted-dice},
 *                      {@code blank-modality:flair}, {@code modalities-swapped:t1<->flair}
 * @param features      the measured features by name (flip agreement, volumes, input statistics)
 */
public record Quality(Regions predictedDice, boolean needsReview, List<String> reasons, Map<String, Double> features) {
    public static final int MAX_REASONS = 32;
    public static final int MAX_FEATURES = 128;
    private static final Pattern REASON = Pattern.compile("[\\x21-\\x7E]{1,128}");
    private static final Pattern FEATURE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    public Quality {
        Require.nonNull(reasons, "quality.reasons");
        Require.nonNull(features, "quality.features");
        if (reasons.size() > MAX_REASONS) {
            throw new IllegalArgumentException("quality.reasons: at most " + MAX_REASONS + ", got " + reasons.size());
        }
        for (String r : reasons) {
            Require.matches(Require.nonNull(r, "quality.reasons[]"), REASON, "quality.reasons[]",
                    "1-128 printable ASCII characters without spaces");
        }
        if (features.size() > MAX_FEATURES) {
            throw new IllegalArgumentException("quality.features: at most " + MAX_FEATURES + ", got " + features.size());
        }
        for (Map.Entry<String, Double> e : features.entrySet()) {
            Require.matches(Require.nonNull(e.getKey(), "quality.features key"), FEATURE, "quality.features key",
                    "1-64 characters [A-Za-z0-9._:-]");
            Double v = e.getValue();
            if (v == null || !Double.isFinite(v)) {
                throw new IllegalArgumentException("quality.features." + e.getKey() + " must be a finite number, got " + v);
            }
        }
        reasons = List.copyOf(reasons);
        features = Collections.unmodifiableMap(new TreeMap<>(features)); // sorted: the same JSON for the same features
    }

    /** Predicted Dice of the whole tumour, tumour core and enhancing tumour, each in [0, 1]. */
    public record Regions(@JsonProperty("WT") double wt, @JsonProperty("TC") double tc, @JsonProperty("ET") double et) {
        public Regions {
            Require.range(wt, 0, 1, "quality.predictedDice.WT");
            Require.range(tc, 0, 1, "quality.predictedDice.TC");
            Require.range(et, 0, 1, "quality.predictedDice.ET");
        }
    }
}
