package org.brainseg.model.quality;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.dataset.Modality;

/**
 * What the scans a model was trained on look like, for {@link InputGuard} to compare a new scan
 * with: per modality, the mean and standard deviation over the reference cases of scale-free
 * intensity features (quantiles 5, 25, 75 and 95 % of the brain's voxels divided by its median,
 * and a robust skew), the brain volume, and the voxel sizes seen. Serializable with Jackson as it
 * stands (plain components), so that it can travel beside a model.
 *
 * <p>The standard deviations are stored as measured. Where they are used, {@link #FEATURE_SD_FLOOR}
 * and {@link #BRAIN_VOLUME_SD_FLOOR} bound them from below: a reference of one to three
 * near-identical cases (a synthetic cohort, a single site) has standard deviations near 0, and
 * would otherwise make every other scan an outlier.
 *
 * @param cases how many cases it was fitted on, at least 1
 * @param modalities one entry per modality, in channel order (T1, T1ce, T2, FLAIR)
 * @param correlations the Pearson correlation over the brain of each pair of modalities, in the
 *     order (t1, t1ce), (t1, t2), (t1, flair), (t1ce, t2), (t1ce, flair), (t2, flair)
 * @param brainVolumeMl brain volume in mL
 * @param minVoxelMm the finest voxel edge seen, in mm
 * @param maxVoxelMm the coarsest voxel edge seen, in mm
 */
public record InputReference(int cases, List<ModalityReference> modalities, List<CorrelationReference> correlations,
        Stat brainVolumeMl, double minVoxelMm, double maxVoxelMm) {
    /**
     * Least standard deviation of a feature, in units of x / median (for the skew, of its -1..1
     * scale). Over 24 clean synthetic cases (see {@link InputGuard}) the between-case standard
     * deviations are 0.008 .. 0.08 for the quantile ratios and 0.03 .. 0.09 for the skew, while a
     * reference of three near-identical phantoms has 0.002 .. 0.02. With the floor a scan is
     * judged against at least the spread of a varied cohort: no clean synthetic case lies more than
     * 4.5 floored sd from a reference of 8, and phantoms pass a reference of one
     * ({@code InputReferenceTest}).
     */
    public static final double FEATURE_SD_FLOOR = 0.05;
    /**
     * Least standard deviation of the brain volume, as a fraction of its mean: adult brain volume
     * varies by about 10 % between people (some 1200 ± 120 mL; 13 % over the synthetic cohort,
     * whose anatomy is warped per case), which a few reference cases of one anatomy do not show.
     */
    public static final double BRAIN_VOLUME_SD_FLOOR = 0.10;

    /**
     * Least standard deviation of a correlation between two modalities. The correlations tell the
     * modalities apart where their histograms do not (T1 and FLAIR have alike quantiles but
     * correlate with T2 at about -0.8 and -0.3); over 8 clean synthetic cases their standard
     * deviations are 0.025 (t1, t1ce) to 0.11 (t1ce, t2), over three phantoms 0.001 .. 0.014.
     */
    public static final double CORRELATION_SD_FLOOR = 0.05;

    /** A mean and standard deviation over the reference cases. */
    public record Stat(double mean, double sd) {
        public Stat {
            if (!Double.isFinite(mean) || !(sd >= 0) || !Double.isFinite(sd)) {
                throw new IllegalArgumentException("mean must be finite and sd finite and >= 0, got "
                        + mean + ", " + sd);
            }
        }

        /** How many standard deviations, at least {@code floor}, {@code value} lies from the mean. */
        public double z(double value, double floor) {
            return (value - mean) / Math.max(sd, floor);
        }

        static Stat of(double[] values) {
            double mean = 0;
            for (double v : values) {
                mean += v / values.length;
            }
            double ss = 0;
            for (double v : values) {
                ss += (v - mean) * (v - mean);
            }
            return new Stat(mean, values.length > 1 ? Math.sqrt(ss / (values.length - 1)) : 0);
        }
    }

    /**
     * One modality's features over the reference cases, each of the brain's intensities divided
     * by the brain's median in that modality.
     */
    public record ModalityReference(Modality modality, Stat q05, Stat q25, Stat q75, Stat q95, Stat skew) {
        public ModalityReference {
            Objects.requireNonNull(modality, "modality must not be null");
            for (Stat s : new Stat[] {q05, q25, q75, q95, skew}) {
                Objects.requireNonNull(s, "every feature of " + modality.key() + " needs a mean and sd");
            }
        }

        /** The statistic of a feature, in {@link IntensityFeature} order. */
        Stat stat(IntensityFeature f) {
            return switch (f) {
                case Q05 -> q05;
                case Q25 -> q25;
                case Q75 -> q75;
                case Q95 -> q95;
                case SKEW -> skew;
            };
        }
    }

    /** The correlation of two modalities over the brain, {@code first} before {@code second} in channel order. */
    public record CorrelationReference(Modality first, Modality second, Stat r) {
        public CorrelationReference {
            Objects.requireNonNull(first, "first must not be null");
            Objects.requireNonNull(second, "second must not be null");
            Objects.requireNonNull(r, "r must not be null");
        }
    }

    public InputReference {
        if (cases < 1) {
            throw new IllegalArgumentException("cases must be at least 1, got " + cases);
        }
        Objects.requireNonNull(modalities, "modalities must not be null");
        if (modalities.size() != InputFeatures.MODALITIES) {
            throw new IllegalArgumentException("expected " + InputFeatures.MODALITIES
                    + " modalities (T1, T1ce, T2, FLAIR), got " + modalities.size());
        }
        for (int m = 0; m < modalities.size(); m++) {
            Modality expected = Modality.values()[m];
            if (modalities.get(m) == null || modalities.get(m).modality() != expected) {
                throw new IllegalArgumentException("modality " + m + " must be " + expected.key());
            }
        }
        modalities = List.copyOf(modalities);
        Objects.requireNonNull(correlations, "correlations must not be null");
        if (correlations.size() != InputFeatures.PAIRS.length) {
            throw new IllegalArgumentException("expected " + InputFeatures.PAIRS.length + " correlations, got "
                    + correlations.size());
        }
        for (int p = 0; p < correlations.size(); p++) {
            Modality a = Modality.values()[InputFeatures.PAIRS[p][0]];
            Modality b = Modality.values()[InputFeatures.PAIRS[p][1]];
            CorrelationReference c = correlations.get(p);
            if (c == null || c.first() != a || c.second() != b) {
                throw new IllegalArgumentException("correlation " + p + " must be of " + a.key() + " and " + b.key());
            }
        }
        correlations = List.copyOf(correlations);
        Objects.requireNonNull(brainVolumeMl, "brainVolumeMl must not be null");
        if (!(minVoxelMm > 0 && minVoxelMm <= maxVoxelMm && Double.isFinite(maxVoxelMm))) {
            throw new IllegalArgumentException("voxel sizes must be finite, > 0 and min <= max, got "
                    + minVoxelMm + ", " + maxVoxelMm);
        }
    }

    /**
     * Fits a reference to clean cases, each four co-registered channels (T1, T1ce, T2, FLAIR).
     *
     * @throws IllegalArgumentException for no cases, a case of other than four channels or
     *     channels not on one grid, or a case that is not clean (a modality blank, constant or
     *     noise, no brain, or a brain median not positive): a reference must describe good scans
     */
    public static InputReference fit(List<Volume[]> cases) {
        Objects.requireNonNull(cases, "cases must not be null");
        if (cases.isEmpty()) {
            throw new IllegalArgumentException("a reference needs at least one case");
        }
        int n = cases.size();
        double[][][] features = new double[InputFeatures.MODALITIES][IntensityFeature.COUNT][n];
        double[][] correlations = new double[InputFeatures.PAIRS.length][n];
        double[] volumes = new double[n];
        double minVoxel = Double.POSITIVE_INFINITY;
        double maxVoxel = 0;
        for (int c = 0; c < n; c++) {
            InputFeatures s = clean(cases.get(c), c);
            for (int m = 0; m < InputFeatures.MODALITIES; m++) {
                for (int f = 0; f < IntensityFeature.COUNT; f++) {
                    features[m][f][c] = s.features[m][f];
                }
            }
            for (int p = 0; p < InputFeatures.PAIRS.length; p++) {
                correlations[p][c] = s.correlation[p];
            }
            volumes[c] = s.brainMl;
            for (double mm : s.spacing) {
                minVoxel = Math.min(minVoxel, mm);
                maxVoxel = Math.max(maxVoxel, mm);
            }
        }
        List<ModalityReference> modalities = new ArrayList<>();
        for (int m = 0; m < InputFeatures.MODALITIES; m++) {
            double[][] f = features[m];
            modalities.add(new ModalityReference(Modality.values()[m], Stat.of(f[0]), Stat.of(f[1]), Stat.of(f[2]),
                    Stat.of(f[3]), Stat.of(f[4])));
        }
        List<CorrelationReference> pairs = new ArrayList<>();
        for (int p = 0; p < InputFeatures.PAIRS.length; p++) {
            pairs.add(new CorrelationReference(Modality.values()[InputFeatures.PAIRS[p][0]],
                    Modality.values()[InputFeatures.PAIRS[p][1]], Stat.of(correlations[p])));
        }
        return new InputReference(n, modalities, pairs, Stat.of(volumes), minVoxel, maxVoxel);
    }

    /** The reference of one modality. */
    public ModalityReference modality(Modality m) {
        return modalities.get(m.ordinal());
    }

    private static InputFeatures clean(Volume[] channels, int index) {
        InputFeatures s;
        try {
            s = InputFeatures.of(channels);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("reference case " + index + ": " + e.getMessage(), e);
        }
        if (s.brainMl < InputGuard.MIN_BRAIN_ML) {
            throw new IllegalArgumentException("reference case " + index + ": no brain (" + s.brainMl + " mL)");
        }
        for (int m = 0; m < InputFeatures.MODALITIES; m++) {
            if (!s.usable(m)) {
                throw new IllegalArgumentException("reference case " + index + ": " + InputFeatures.key(m) + " is "
                        + s.signal[m].name().toLowerCase(java.util.Locale.ROOT));
            }
            if (s.features[m] == null) {
                throw new IllegalArgumentException("reference case " + index + ": " + InputFeatures.key(m)
                        + " has a brain median <= 0 (raw intensities expected, not z-scores)");
            }
        }
        return s;
    }
}
