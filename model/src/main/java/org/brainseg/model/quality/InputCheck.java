package org.brainseg.model.quality;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link InputGuard} found about a scan. It only reports: a scan is never refused for being
 * unusual.
 *
 * @param outOfDistribution whether any reason was found
 * @param noBrainSignal nothing brain-like at all (every modality blank, constant or noise, or
 *     fewer than {@link InputGuard#MIN_BRAIN_ML} mL of brain): a segmentation of it means nothing
 * @param reasons the {@link InputIssue} codes found, in the order the checks run (per modality in
 *     channel order, then {@code no-brain-signal}, {@code voxel-size}, {@code field-of-view},
 *     {@code brain-volume}, {@code modalities-swapped}, {@code intensity-shift} per modality)
 * @param features the numbers behind them, in a fixed order; keys are the constants and suffixes
 *     below, a per-modality key being the modality's key, a dot and the suffix ({@code t1.noise-score}),
 *     a per-pair key the two modalities' keys joined by a hyphen, a dot and the suffix
 */
public record InputCheck(boolean outOfDistribution, boolean noBrainSignal, List<String> reasons,
        Map<String, Double> features) {
    public static final String BRAIN_VOLUME_ML = "brain-volume-ml";
    /** Standard deviations (floored) of the brain volume from the reference's mean. */
    public static final String BRAIN_VOLUME_Z = "brain-volume-z";
    public static final String VOXEL_MIN_MM = "voxel-min-mm";
    public static final String VOXEL_MAX_MM = "voxel-max-mm";
    /** The largest share, over the volume's six faces, of the brain's largest cross-section lying on the face. */
    public static final String BORDER_FRACTION = "border-fraction";
    /** NaN or infinite values, counted over the four channels (each is taken as 0). */
    public static final String NON_FINITE_VOXELS = "non-finite-voxels";
    /** Cost (sum of squared z) of the modalities as they come, against the reference's. */
    public static final String SWAP_COST_IDENTITY = "swap-cost-identity";
    /** Cost of the best of the 24 orders of the modalities. */
    public static final String SWAP_COST_BEST = "swap-cost-best";
    /** Best over identity cost: 1 when the order given is the best. */
    public static final String SWAP_COST_RATIO = "swap-cost-ratio";
    /** Share of the other modalities' nonzero voxels where this one is nonzero. */
    public static final String OVERLAP = "overlap";
    /** Standard deviation over mean of the modality's nonzero voxels. */
    public static final String RELATIVE_SD = "relative-sd";
    /** See {@link InputGuard#NOISE_SCORE_LIMIT}. */
    public static final String NOISE_SCORE = "noise-score";
    /** Pearson correlation of two modalities over the brain, keyed by both ({@code t1-t2.correlation}). */
    public static final String CORRELATION = "correlation";
    /** The largest |z| over the modality's features, against the reference modality it was matched to. */
    public static final String MAX_ABS_Z = "max-abs-z";

    public InputCheck {
        reasons = List.copyOf(Objects.requireNonNull(reasons, "reasons must not be null"));
        features = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(features,
                "features must not be null")));
        if (outOfDistribution == reasons.isEmpty()) {
            throw new IllegalArgumentException("outOfDistribution must be true exactly when there are reasons");
        }
        if (noBrainSignal != reasons.contains(InputIssue.NO_BRAIN_SIGNAL.key())) {
            throw new IllegalArgumentException("noBrainSignal must be true exactly when "
                    + InputIssue.NO_BRAIN_SIGNAL.key() + " is a reason");
        }
    }

    /** Whether a reason of this issue was found (for any modality). */
    public boolean has(InputIssue issue) {
        String prefix = issue.key() + ":";
        return reasons.stream().anyMatch(r -> r.equals(issue.key()) || r.startsWith(prefix));
    }
}
