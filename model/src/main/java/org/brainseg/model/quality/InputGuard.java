package org.brainseg.model.quality;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.dataset.Modality;

/**
 * An out-of-distribution guard on a scan's input, run before and beside the model: it reports what
 * makes a scan unlike the scans the model knows (an {@link InputCheck} with {@link InputIssue}
 * codes), and never fails a scan for it. Stateless and thread-safe; a few passes over the four
 * volumes (about 0.2 s for 240 x 240 x 155 voxels on one core, printed by {@code InputGuardTest}).
 *
 * <p>Without a reference it finds what no brain MRI looks like: a blank, constant or noise
 * modality, no brain signal at all, voxels coarser than {@value #VOXEL_SIZE_LIMIT_MM} mm, a brain
 * cut by the border of the volume. With an {@link InputReference} it also compares the brain
 * volume, the voxel size and each modality's scale-free intensity features with the reference's,
 * and looks for modalities given in the wrong order ({@code ModalityMatch}).
 *
 * <p>Thresholds, measured on the synthetic cohort ({@code brainseg-synthetic}, Colin27 anatomy,
 * seed 42; the reference fitted on its first 8 cases, compared with the next 16; perturbed
 * cohorts of 16 cases, seed 7, at the {@code Perturbation} strengths of {@code brainseg generate
 * --perturb}), and on noise put in place of T1:
 * <pre>
 * 2 mm                 noise score   max |z| of a case   cases (modalities) beyond 6   swap reported
 * clean, unseen        0.12 .. 0.32  0.5 .. 4.5           0 / 16                         0
 * mild (0.5)           0.05 .. 0.10  3.2 .. 6.6           2 / 16 (2 of 64)               0
 * strong (1.0)         0.04 .. 0.09  3.8 .. 9.0          11 / 16 (13 of 64)              0
 * stronger (1.5)       0.03 .. 0.09  4.8 .. 10.4         14 / 16 (20 of 64)              0
 * 1 mm, 8 cases each: clean max |z| 1.2 .. 4.1, mild 2.2 .. 5.2 (0 beyond 6), strong 3/8, stronger 4/8
 * white noise (Gaussian, uniform, Rician, |Gaussian|; over the field of view or the brain): 0.95 .. 1.00
 * clean images by voxel size: 1 mm 0.04 .. 0.12, 2 mm .. 0.32, 4 mm .. 0.49, 6 mm .. 0.63, 8 mm .. 0.75
 * </pre>
 * The strongest shifts under mild perturbation are T2's upper quantiles: blurring thins its bright
 * sulcal CSF. Exchanging any two modalities other than T1 and T1ce, at 1 and 2 mm, gives a best
 * order costing 0.002 .. 0.12 of the given one (reported, naming the pair); exchanging T1 and
 * T1ce gives 0.35 .. 0.77, saving 6 .. 16 (not reported). So {@link #NOISE_SCORE_LIMIT} 0.85
 * lies between the coarsest images and noise, {@link #SHIFT_Z_LIMIT} 6 passes every clean case
 * and nearly every mild one and reports most strong and stronger ones, and a swap is never
 * reported on an unswapped case.
 */
public final class InputGuard {
    /**
     * A modality is blank when it is nonzero on fewer than this share of the voxels where the other
     * modalities are nonzero (or nowhere at all): an all-zero file, or one that missed the brain.
     */
    public static final double BLANK_FRACTION = 0.01;
    /** A modality is constant when the standard deviation of its nonzero voxels is below this share of their mean. */
    public static final double CONSTANT_RELATIVE_SD = 1e-3;
    /**
     * A modality is noise when its noise score reaches this. The score is, per axis, the mean
     * squared difference of neighbouring nonzero voxels over twice their variance, the lowest of
     * the three axes (so that thick slices along one axis do not count): 1 for white noise, whatever
     * its law, and near 0 for an image whose neighbours are alike; it grows with the voxel size,
     * as neighbours lie further apart (measurements in the class comment).
     */
    public static final double NOISE_SCORE_LIMIT = 0.85;
    /** Less brain than this (in mL) is no brain: a segmentation of it means nothing. */
    public static final double MIN_BRAIN_ML = 50;
    /**
     * A modality's intensities have shifted when one of its features lies further than this many
     * (floored) standard deviations from the reference's.
     */
    public static final double SHIFT_Z_LIMIT = 6;
    /** The brain volume is unusual beyond this many (floored) sd from the reference's mean. */
    public static final double BRAIN_VOLUME_Z_LIMIT = 4;
    /** Voxels coarser than this (mm, any axis) hide the small tumour parts whatever the reference. */
    public static final double VOXEL_SIZE_LIMIT_MM = 4;
    /** Voxels coarser than this times the reference's coarsest are unusual. */
    public static final double VOXEL_SIZE_FACTOR = 2;
    /**
     * The field of view cuts the brain when the brain on one of the volume's faces is at least this
     * share of its largest cross-section parallel to that face: a brain that merely touches the
     * border (the brainstem at the lowest slice) passes, a brain sliced through does not.
     */
    public static final double BORDER_FRACTION_LIMIT = 0.25;
    /**
     * Modalities are swapped when another order costs less than this share of the given order's cost
     * (and saves at least {@code SHIFT_Z_LIMIT^2}; see {@code ModalityMatch}).
     */
    public static final double SWAP_COST_RATIO = 0.5;

    private static final Modality[] MODALITIES = Modality.values();

    private final InputReference reference;

    /** @param reference what the model's training scans look like, or null for the reference-free checks only */
    public InputGuard(InputReference reference) {
        this.reference = reference;
    }

    /** The reference, or null. */
    public InputReference reference() {
        return reference;
    }

    /**
     * Checks one scan.
     *
     * @param channels T1, T1ce, T2, FLAIR on one grid, raw intensities (before any z-score)
     * @throws IllegalArgumentException for other than four channels, a null channel, or channels
     *     not on one grid
     */
    public InputCheck check(Volume[] channels) {
        InputFeatures s = InputFeatures.of(channels);
        List<String> reasons = signalReasons(s);
        boolean noBrain = s.brainVoxels == 0 || s.brainMl < MIN_BRAIN_ML;
        if (noBrain) {
            reasons.add(InputIssue.NO_BRAIN_SIGNAL.key());
        }
        if (voxelsTooCoarse(s.spacing)) {
            reasons.add(InputIssue.VOXEL_SIZE.key());
        }
        if (!noBrain && s.borderFraction >= BORDER_FRACTION_LIMIT) {
            reasons.add(InputIssue.FIELD_OF_VIEW.key());
        }
        Map<String, Double> features = new LinkedHashMap<>();
        putFinite(features, InputCheck.BRAIN_VOLUME_ML, s.brainMl);
        Match match = null;
        if (!noBrain && reference != null) {
            InputReference.Stat volume = reference.brainVolumeMl();
            double z = volume.z(s.brainMl, InputReference.BRAIN_VOLUME_SD_FLOOR * volume.mean());
            putFinite(features, InputCheck.BRAIN_VOLUME_Z, z);
            if (Math.abs(z) > BRAIN_VOLUME_Z_LIMIT) {
                reasons.add(InputIssue.BRAIN_VOLUME.key());
            }
            match = ModalityMatch.match(s, reference);
            addMatchReasons(reasons, s, match);
        }
        putScanFeatures(features, s);
        putModalityFeatures(features, s, match);
        putSwapFeatures(features, match);
        return new InputCheck(!reasons.isEmpty(), noBrain, reasons, features);
    }

    /** Blank, constant and noise modalities, in channel order. */
    private static List<String> signalReasons(InputFeatures s) {
        List<String> reasons = new ArrayList<>();
        for (int m = 0; m < MODALITIES.length; m++) {
            InputIssue issue = switch (s.signal[m]) {
                case BLANK -> InputIssue.BLANK_MODALITY;
                case CONSTANT -> InputIssue.CONSTANT_MODALITY;
                case NOISE -> InputIssue.NOISE_MODALITY;
                case USABLE -> null;
            };
            if (issue != null) {
                reasons.add(issue.code(MODALITIES[m]));
            }
        }
        return reasons;
    }

    /** Coarser than the limit or than twice the reference's coarsest; a spacing that is not a positive number too. */
    private boolean voxelsTooCoarse(double[] spacing) {
        double coarsest = Math.max(spacing[0], Math.max(spacing[1], spacing[2]));
        double finest = Math.min(spacing[0], Math.min(spacing[1], spacing[2]));
        boolean coarserThanReference = reference != null && coarsest > VOXEL_SIZE_FACTOR * reference.maxVoxelMm();
        return !(coarsest <= VOXEL_SIZE_LIMIT_MM && finest > 0) || coarserThanReference;
    }

    /** Swaps, then intensity shifts against the reference modality each was matched to. */
    private static void addMatchReasons(List<String> reasons, InputFeatures s, Match match) {
        for (List<Modality> cycle : match.swaps()) {
            reasons.add(InputIssue.MODALITIES_SWAPPED.code(cycle));
        }
        for (int m = 0; m < MODALITIES.length; m++) {
            if (s.usable(m) && !(match.maxAbsZ()[m] <= SHIFT_Z_LIMIT)) { // NaN: a median <= 0
                reasons.add(InputIssue.INTENSITY_SHIFT.code(MODALITIES[m]));
            }
        }
    }

    private static void putSwapFeatures(Map<String, Double> features, Match match) {
        if (match == null || Double.isNaN(match.identityCost())) {
            return;
        }
        features.put(InputCheck.SWAP_COST_IDENTITY, match.identityCost());
        features.put(InputCheck.SWAP_COST_BEST, match.bestCost());
        double ratio = match.identityCost() > 0 ? match.bestCost() / match.identityCost() : 1;
        features.put(InputCheck.SWAP_COST_RATIO, ratio);
    }

    private static void putScanFeatures(Map<String, Double> features, InputFeatures s) {
        putFinite(features, InputCheck.VOXEL_MIN_MM, Math.min(s.spacing[0], Math.min(s.spacing[1], s.spacing[2])));
        putFinite(features, InputCheck.VOXEL_MAX_MM, Math.max(s.spacing[0], Math.max(s.spacing[1], s.spacing[2])));
        features.put(InputCheck.BORDER_FRACTION, s.borderFraction);
        features.put(InputCheck.NON_FINITE_VOXELS, (double) s.nonFiniteVoxels);
    }

    private static void putModalityFeatures(Map<String, Double> features, InputFeatures s, Match match) {
        for (int m = 0; m < MODALITIES.length; m++) {
            String k = MODALITIES[m].key() + ".";
            putFinite(features, k + InputCheck.OVERLAP, s.overlap[m]);
            putFinite(features, k + InputCheck.RELATIVE_SD, s.relativeSd[m]);
            putFinite(features, k + InputCheck.NOISE_SCORE, s.noiseScore[m]);
            if (s.features[m] != null) {
                for (IntensityFeature f : IntensityFeature.values()) {
                    features.put(k + f.key(), s.features[m][f.ordinal()]);
                }
            }
            if (match != null) {
                putFinite(features, k + InputCheck.MAX_ABS_Z, match.maxAbsZ()[m]);
            }
        }
        for (int p = 0; p < InputFeatures.PAIRS.length; p++) {
            int[] ab = InputFeatures.PAIRS[p];
            String pair = MODALITIES[ab[0]].key() + "-" + MODALITIES[ab[1]].key();
            putFinite(features, pair + "." + InputCheck.CORRELATION, s.correlation[p]);
        }
    }

    /** JSON has no NaN or infinity: a number that could not be measured is left out. */
    private static void putFinite(Map<String, Double> features, String key, double value) {
        if (Double.isFinite(value)) {
            features.put(key, value);
        }
    }

    /**
     * How the scan's modalities match the reference's.
     *
     * @param swaps the cycles of the order other than the identity, each in channel order
     * @param maxAbsZ per scan modality, its largest |z| against the reference modality it is taken
     *     for; NaN where it has no features
     * @param identityCost sum of squared z of the given order; NaN when some modality has no features
     * @param bestCost the same of the best order
     */
    record Match(List<List<Modality>> swaps, double[] maxAbsZ, double identityCost, double bestCost) {}
}
