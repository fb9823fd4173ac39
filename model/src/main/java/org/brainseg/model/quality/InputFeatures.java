package org.brainseg.model.quality;

import java.util.Arrays;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.dataset.Modality;

/**
 * What {@link InputGuard} and {@link InputReference#fit} measure of a scan, in a few passes: one
 * per modality (its own signal and how its neighbouring voxels correlate), one over the brain mask
 * (where the brain lies and its values per modality), and a histogram selection per modality for
 * its quantiles.
 *
 * <p>The brain mask is {@code Preprocessor}'s: voxels finite and nonzero in any modality, but
 * taken over the modalities with usable signal only, so that a modality of noise or a constant
 * spanning the whole field of view does not make the whole grid "brain" for the others.
 * Non-finite voxels (NaN, infinities) count as 0, as the preprocessor's z-score treats them:
 * outside the brain unless another modality has signal there, and 0 where it does.
 */
final class InputFeatures {
    static final int MODALITIES = Modality.values().length;
    /** The pairs of modalities whose correlation is measured, in this order: (t1, t1ce), (t1, t2) ... (t2, flair). */
    static final int[][] PAIRS = {{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}};
    /** Neighbour pairs an axis needs for its correlation to count. */
    private static final long MIN_PAIRS = 1000;

    /** What kind of signal a modality carries. */
    enum Signal { USABLE, BLANK, CONSTANT, NOISE }

    final Signal[] signal = new Signal[MODALITIES];
    /** Share of the other modalities' nonzero voxels where this one is nonzero; NaN when they have none. */
    final double[] overlap = new double[MODALITIES];
    /** Standard deviation over mean of its nonzero voxels; NaN when it has none. */
    final double[] relativeSd = new double[MODALITIES];
    /** See {@link InputGuard#NOISE_SCORE_LIMIT}; NaN when not measured (no signal or constant). */
    final double[] noiseScore = new double[MODALITIES];
    /** {@link IntensityFeature}s per modality; null for a modality without usable signal or with a median <= 0. */
    final double[][] features = new double[MODALITIES][];
    /** Pearson correlation of two usable modalities over the brain, per {@link #PAIRS} entry; NaN otherwise. */
    final double[] correlation = new double[PAIRS.length];
    final long brainVoxels;
    final double brainMl;
    final double[] spacing;
    /** The largest share, over the six faces, of the brain's largest cross-section lying on the face. */
    final double borderFraction;
    final long nonFiniteVoxels;

    private InputFeatures(Volume[] channels) {
        Volume first = channels[0];
        int n = first.size();
        byte[] bits = new byte[n];
        long nonFinite = 0;
        for (int m = 0; m < MODALITIES; m++) {
            nonFinite += ownSignal(channels[m], 1 << m, bits, m);
        }
        nonFiniteVoxels = nonFinite;
        long[] histogram = new long[1 << MODALITIES];
        for (byte b : bits) {
            histogram[b]++;
        }
        int usable = classify(histogram);
        spacing = first.spacing();
        int[] shape = first.shape();
        long[][] slices = {new long[shape[0]], new long[shape[1]], new long[shape[2]]};
        long count = 0;
        for (int b = 0; b < histogram.length; b++) {
            count += (b & usable) != 0 ? histogram[b] : 0;
        }
        brainVoxels = count;
        brainMl = count * first.voxelMl();
        float[][] values = gatherBrain(channels, bits, usable, (int) count, slices);
        borderFraction = count == 0 ? 0 : borderFraction(slices);
        correlations(values, (int) count);
        for (int m = 0; m < MODALITIES; m++) {
            if (values[m] != null) {
                double[] q = HistogramQuantiles.select(values[m], (int) count, IntensityFeature.PROBABILITIES);
                features[m] = IntensityFeature.of(q);
            }
        }
    }

    /**
     * Measures a scan.
     *
     * @throws IllegalArgumentException for other than four channels, a null channel, or channels
     *     not on one grid
     */
    static InputFeatures of(Volume[] channels) {
        if (channels == null) {
            throw new IllegalArgumentException("channels must not be null");
        }
        if (channels.length != MODALITIES) {
            throw new IllegalArgumentException("expected " + MODALITIES + " channels (T1, T1ce, T2, FLAIR), got "
                    + channels.length);
        }
        for (int m = 0; m < MODALITIES; m++) {
            if (channels[m] == null) {
                throw new IllegalArgumentException("channel " + key(m) + " is null");
            }
            if (!channels[m].sameShape(channels[0])) {
                throw new IllegalArgumentException("channel " + key(m) + " is " + Arrays.toString(channels[m].shape())
                        + " but t1 is " + Arrays.toString(channels[0].shape()) + ": the channels must share one grid");
            }
        }
        return new InputFeatures(channels);
    }

    boolean usable(int m) {
        return signal[m] == Signal.USABLE;
    }

    static String key(int m) {
        return Modality.values()[m].key();
    }

    /**
     * Marks the modality's nonzero voxels in {@code bits} and measures them: their relative
     * standard deviation and, per axis, the mean squared difference of neighbouring nonzero
     * voxels over twice their variance (the lowest axis is the noise score). Returns its number of
     * non-finite voxels.
     */
    private long ownSignal(Volume v, int bit, byte[] bits, int m) {
        float[] d = v.data();
        int nx = v.nx();
        int ny = v.ny();
        int nz = v.nz();
        int plane = nx * ny;
        long count = 0;
        long nonFinite = 0;
        double shift = 0;
        double sum = 0;
        double sumSq = 0;
        double[] diffSq = new double[3];
        long[] pairs = new long[3];
        for (int z = 0, i = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++, i++) {
                    float f = d[i];
                    if (!Float.isFinite(f)) {
                        nonFinite++;
                        continue;
                    }
                    if (f == 0) {
                        continue;
                    }
                    bits[i] |= (byte) bit;
                    if (count++ == 0) {
                        shift = f; // summing f - shift keeps the variance of a near-constant image exact
                    }
                    double c = f - shift;
                    sum += c;
                    sumSq += c * c;
                    if (x + 1 < nx) {
                        pair(f, d[i + 1], diffSq, pairs, 0);
                    }
                    if (y + 1 < ny) {
                        pair(f, d[i + nx], diffSq, pairs, 1);
                    }
                    if (z + 1 < nz) {
                        pair(f, d[i + plane], diffSq, pairs, 2);
                    }
                }
            }
        }
        double mean = count == 0 ? 0 : sum / count;
        double variance = count == 0 ? 0 : Math.max(0, sumSq / count - mean * mean);
        double level = Math.abs(mean + shift);
        relativeSd[m] = count == 0 ? Double.NaN : level > 0 ? Math.sqrt(variance) / level : Double.POSITIVE_INFINITY;
        double score = Double.NaN;
        for (int a = 0; a < 3; a++) {
            if (pairs[a] >= MIN_PAIRS && variance > 0) {
                double s = diffSq[a] / pairs[a] / (2 * variance);
                score = Double.isNaN(score) ? s : Math.min(score, s);
            }
        }
        noiseScore[m] = score;
        return nonFinite;
    }

    private static void pair(float f, float g, double[] diffSq, long[] pairs, int axis) {
        if (g != 0 && Float.isFinite(g)) {
            double t = (double) f - g;
            diffSq[axis] += t * t;
            pairs[axis]++;
        }
    }

    /** Sets {@link #signal} from the overlap of the modalities' nonzero voxels; returns the usable ones' bits. */
    private int classify(long[] histogram) {
        int usable = 0;
        for (int m = 0; m < MODALITIES; m++) {
            int bit = 1 << m;
            long own = 0;
            long others = 0;
            long both = 0;
            for (int b = 1; b < histogram.length; b++) {
                boolean mine = (b & bit) != 0;
                boolean theirs = (b & ~bit) != 0;
                own += mine ? histogram[b] : 0;
                others += theirs ? histogram[b] : 0;
                both += mine && theirs ? histogram[b] : 0;
            }
            overlap[m] = others == 0 ? Double.NaN : (double) both / others;
            if (own == 0 || overlap[m] < InputGuard.BLANK_FRACTION) {
                signal[m] = Signal.BLANK;
                noiseScore[m] = Double.NaN;
            } else if (relativeSd[m] < InputGuard.CONSTANT_RELATIVE_SD) {
                signal[m] = Signal.CONSTANT;
                noiseScore[m] = Double.NaN;
            } else if (!(noiseScore[m] < InputGuard.NOISE_SCORE_LIMIT)) {
                signal[m] = Signal.NOISE; // a score that could not be measured means no neighbours: not an image
            } else {
                signal[m] = Signal.USABLE;
                usable |= bit;
            }
        }
        return usable;
    }

    /** The usable modalities' values in the brain (non-finite as 0), and the brain voxels per slice. */
    private static float[][] gatherBrain(Volume[] channels, byte[] bits, int usable, int count, long[][] slices) {
        float[][] values = new float[MODALITIES][];
        float[][] data = new float[MODALITIES][];
        for (int m = 0; m < MODALITIES; m++) {
            if ((usable & (1 << m)) != 0) {
                values[m] = new float[count];
                data[m] = channels[m].data();
            }
        }
        if (count == 0) {
            return values;
        }
        int nx = slices[0].length;
        int ny = slices[1].length;
        int nz = slices[2].length;
        int k = 0;
        for (int z = 0, i = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++, i++) {
                    if ((bits[i] & usable) == 0) {
                        continue;
                    }
                    slices[0][x]++;
                    slices[1][y]++;
                    slices[2][z]++;
                    for (int m = 0; m < MODALITIES; m++) {
                        if (values[m] != null) {
                            float f = data[m][i];
                            values[m][k] = Float.isFinite(f) ? f : 0;
                        }
                    }
                    k++;
                }
            }
        }
        return values;
    }

    /** Pearson correlations of the usable modalities' brain values. */
    private void correlations(float[][] values, int count) {
        double[] mean = new double[MODALITIES];
        for (int m = 0; m < MODALITIES; m++) {
            if (values[m] != null) {
                double sum = 0;
                for (int k = 0; k < count; k++) {
                    sum += values[m][k];
                }
                mean[m] = sum / count;
            }
        }
        for (int p = 0; p < PAIRS.length; p++) {
            float[] a = values[PAIRS[p][0]];
            float[] b = values[PAIRS[p][1]];
            correlation[p] = a == null || b == null ? Double.NaN
                    : pearson(a, mean[PAIRS[p][0]], b, mean[PAIRS[p][1]], count);
        }
    }

    private static double pearson(float[] a, double meanA, float[] b, double meanB, int count) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int k = 0; k < count; k++) {
            double x = a[k] - meanA;
            double y = b[k] - meanB;
            ab += x * y;
            aa += x * x;
            bb += y * y;
        }
        return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
    }

    private static double borderFraction(long[][] slices) {
        double worst = 0;
        for (long[] s : slices) {
            long largest = Arrays.stream(s).max().orElse(0);
            if (largest > 0) {
                worst = Math.max(worst, (double) Math.max(s[0], s[s.length - 1]) / largest);
            }
        }
        return worst;
    }
}
