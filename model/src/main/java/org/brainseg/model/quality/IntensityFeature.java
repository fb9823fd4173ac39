package org.brainseg.model.quality;

/**
 * The scale-free intensity features of one modality: quantiles of its brain voxels divided by
 * their median (so a scanner's arbitrary units drop out), and a robust skew of them.
 */
enum IntensityFeature {
    Q05("q05"),
    Q25("q25"),
    Q75("q75"),
    Q95("q95"),
    /** {@code ((q95 - q50) - (q50 - q05)) / (q95 - q05)}: -1..1, 0 for a symmetric histogram. */
    SKEW("skew");

    /** The quantiles taken of the brain, ascending: those of the features and the median. */
    static final double[] PROBABILITIES = {0.05, 0.25, 0.50, 0.75, 0.95};
    static final int COUNT = values().length;

    private final String key;

    IntensityFeature(String key) {
        this.key = key;
    }

    String key() {
        return key;
    }

    /** The features from {@link #PROBABILITIES}' quantiles; null when the median is not positive. */
    static double[] of(double[] q) {
        double median = q[2];
        if (!(median > 0)) {
            return null;
        }
        double range = q[4] - q[0];
        double skew = range > 0 ? ((q[4] - q[2]) - (q[2] - q[0])) / range : 0;
        return new double[] {q[0] / median, q[1] / median, q[3] / median, q[4] / median, skew};
    }
}
