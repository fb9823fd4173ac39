package org.brainseg.synthetic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.brainseg.imaging.Volume;

/**
 * One scan's acquisition shift ("domain randomization"): the drawn parameters of a perturbation
 * of the four modalities that imitates another scanner, protocol or site, so that a model can be
 * trained or evaluated on data unlike its training data. The labels are never touched: they stay
 * the ground truth.
 *
 * <p>Applied per modality, in this order, to raw non-negative intensities (before any z-score),
 * on the brain only (voxels nonzero in at least one modality; the zero background stays 0):
 * <ol>
 *   <li><b>gamma</b>: {@code x -> r (x / r)^gamma}, r the modality's robust maximum (99.5th
 *       percentile of the brain), a monotone change of contrast;
 *   <li><b>bias field</b>: times {@code 1 + a f}, f a smooth random field (one lattice point per
 *       80 mm, cubic B-splines) scaled to a largest magnitude of 1, so within {@code 1 ± a};
 *   <li><b>thick slices and resolution</b>: the image averaged over acquired voxels of
 *       {@code resolutionFactor} grid voxels along every axis and of
 *       {@code max(resolutionFactor, sliceThicknessMm / spacing)} along the modality's slice
 *       axis, then linearly interpolated back to the grid (averages over the brain only, so its
 *       edge does not darken); a slice thickness below the grid spacing changes nothing;
 *   <li><b>Rician noise</b>: the magnitude of signal plus complex Gaussian noise of standard
 *       deviation {@code noiseSigma} times the modality's brain median.
 * </ol>
 *
 * <p>Parameter ranges for a strength s in 0..2, each drawn uniformly within its range unless
 * said otherwise (U = uniform in [0.5, 1], z = a standard normal clipped to ±2):
 * <pre>
 *                      formula                  mild (0.5)    strong (1.0)   stronger (1.5)
 * biasAmplitude a      0.20 s U                 5 .. 10 %     10 .. 20 %     15 .. 30 %
 * gamma                exp(0.25 s z)            0.78 .. 1.28  0.61 .. 1.65   0.47 .. 2.12
 * noiseSigma           0.03 s U (× median)      0.75 .. 1.5 % 1.5 .. 3 %     2.25 .. 4.5 %
 * sliceThicknessMm     4 s U, axis uniform      1 .. 2 mm     2 .. 4 mm      3 .. 6 mm
 * resolutionFactor     1 + 0.5 s U (all axes)   1.125 .. 1.25 1.25 .. 1.5    1.375 .. 1.75
 * </pre>
 * Bias, gamma, noise and slice axis and thickness are drawn per modality, the resolution factor
 * once per scan. Strength 0 is the identity: the arrays come back bit-for-bit equal.
 *
 * <p>Reproducible: the parameters come from the {@link SplittableRandom} given to {@link #draw},
 * and applying them is deterministic (the bias field and the noise derive from {@link #seed},
 * the noise addressed by voxel position), whatever the threads. {@link #forCase} seeds that
 * generator from (cohort seed, case index), so a case's perturbation depends only on those.
 *
 * @param strength the strength drawn with, 0..{@value #MAX_STRENGTH}
 * @param seed source of the bias fields and the noise
 * @param resolutionFactor acquired voxel size over grid spacing, all axes, at least 1
 * @param channels one set of parameters per modality (T1, T1ce, T2, FLAIR)
 */
public record Perturbation(double strength, long seed, double resolutionFactor, List<Channel> channels) {
    /** The largest strength {@link #draw} accepts. */
    public static final double MAX_STRENGTH = 2;
    public static final int MODALITIES = Contrast.MODALITIES;
    static final double BIAS_PER_STRENGTH = 0.20;
    static final double GAMMA_SD_PER_STRENGTH = 0.25;
    static final double GAMMA_CLIP_SD = 2;
    static final double NOISE_PER_STRENGTH = 0.03;
    static final double THICKNESS_MM_PER_STRENGTH = 4;
    static final double RESOLUTION_PER_STRENGTH = 0.5;
    /** Keeps the perturbation stream apart from the synthesis stream of the same (seed, case). */
    private static final long SALT = 0x7E57AB1E5EEDL;

    /**
     * One modality's parameters.
     *
     * @param biasAmplitude a: the bias factor stays within 1 ± a; 0..&lt;1
     * @param gamma exponent of the contrast change, &gt; 0 (1 = none)
     * @param noiseSigma Rician noise standard deviation over the modality's brain median, &gt;= 0
     * @param sliceAxis axis of the thick slices, 0 (i), 1 (j) or 2 (k)
     * @param sliceThicknessMm slice thickness in mm, &gt;= 0 (at most the grid spacing: no effect)
     */
    public record Channel(double biasAmplitude, double gamma, double noiseSigma, int sliceAxis, double sliceThicknessMm) {
        public Channel {
            require(biasAmplitude >= 0 && biasAmplitude < 1, "biasAmplitude must be in [0, 1), got " + biasAmplitude);
            require(gamma > 0 && Double.isFinite(gamma), "gamma must be finite and > 0, got " + gamma);
            require(noiseSigma >= 0 && Double.isFinite(noiseSigma), "noiseSigma must be finite and >= 0, got " + noiseSigma);
            require(sliceAxis >= 0 && sliceAxis <= 2, "sliceAxis must be 0, 1 or 2, got " + sliceAxis);
            require(sliceThicknessMm >= 0 && Double.isFinite(sliceThicknessMm),
                    "sliceThicknessMm must be finite and >= 0, got " + sliceThicknessMm);
        }

        static final Channel IDENTITY = new Channel(0, 1, 0, 0, 0);
    }

    public Perturbation {
        requireStrength(strength);
        require(resolutionFactor >= 1 && Double.isFinite(resolutionFactor),
                "resolutionFactor must be finite and >= 1, got " + resolutionFactor);
        Objects.requireNonNull(channels, "channels must not be null");
        require(channels.size() == MODALITIES, "expected " + MODALITIES + " channels (T1, T1ce, T2, FLAIR), got " + channels.size());
        channels = List.copyOf(channels);
    }

    /** Strength 0: changes nothing. */
    public static Perturbation none() {
        return new Perturbation(0, 0, 1, List.of(Channel.IDENTITY, Channel.IDENTITY, Channel.IDENTITY, Channel.IDENTITY));
    }

    /**
     * Draws a scan's parameters at a continuous strength (ranges in the class comment). The
     * trainer's per-sample augmentation: {@code Perturbation.draw(s, rnd).apply(channels, shape, mm)}.
     *
     * @param strength 0..{@value #MAX_STRENGTH}: 0.5 mild, 1 strong, 1.5 stronger
     * @param rnd consumed in a fixed order (nothing at strength 0)
     * @throws IllegalArgumentException for a strength that is NaN, infinite or outside 0..2
     */
    public static Perturbation draw(double strength, SplittableRandom rnd) {
        requireStrength(strength);
        Objects.requireNonNull(rnd, "rnd must not be null");
        if (strength == 0) {
            return none();
        }
        long seed = rnd.nextLong();
        double resolution = 1 + RESOLUTION_PER_STRENGTH * strength * upperHalf(rnd);
        List<Channel> channels = new ArrayList<>(MODALITIES);
        for (int m = 0; m < MODALITIES; m++) {
            double bias = BIAS_PER_STRENGTH * strength * upperHalf(rnd);
            double z = Math.max(-GAMMA_CLIP_SD, Math.min(GAMMA_CLIP_SD, rnd.nextGaussian()));
            double gamma = Math.exp(GAMMA_SD_PER_STRENGTH * strength * z);
            double noise = NOISE_PER_STRENGTH * strength * upperHalf(rnd);
            int axis = rnd.nextInt(3);
            double thickness = THICKNESS_MM_PER_STRENGTH * strength * upperHalf(rnd);
            channels.add(new Channel(bias, gamma, noise, axis, thickness));
        }
        return new Perturbation(strength, seed, resolution, channels);
    }

    public static Perturbation draw(PerturbationStrength strength, SplittableRandom rnd) {
        return draw(Objects.requireNonNull(strength, "strength must not be null").value(), rnd);
    }

    /** The perturbation of case {@code index} of a cohort with {@code seed}: depends only on the three. */
    public static Perturbation forCase(PerturbationStrength strength, long seed, int index) {
        if (index < 0) {
            throw new IllegalArgumentException("case index must be >= 0, got " + index);
        }
        return draw(strength, new SplittableRandom(CaseSynthesizer.caseSeed(seed ^ SALT, index)));
    }

    /** Whether applying it changes nothing (strength 0). */
    public boolean isIdentity() {
        return strength == 0;
    }

    /**
     * The perturbed modalities, as new arrays (the inputs are not changed).
     *
     * @param modalities T1, T1ce, T2, FLAIR: raw intensities, finite and &gt;= 0, 0 outside the head,
     *     each {@code shape[0] * shape[1] * shape[2]} long, i fastest
     * @param shape grid size in voxels
     * @param spacingMm isotropic voxel size in mm
     * @throws IllegalArgumentException for the wrong number of modalities, an empty or mismatched
     *     shape, a non-positive spacing, or a negative, NaN or infinite intensity
     */
    public float[][] apply(float[][] modalities, int[] shape, double spacingMm) {
        checkInput(modalities, shape, spacingMm);
        float[][] out = new float[modalities.length][];
        if (isIdentity()) {
            for (int m = 0; m < out.length; m++) {
                out[m] = modalities[m].clone();
            }
            return out;
        }
        boolean[] brain = PerturbationOps.brainMask(modalities);
        IntStream.range(0, out.length).parallel()
                .forEach(m -> out[m] = applyTo(m, modalities[m], brain, shape, spacingMm));
        return out;
    }

    /**
     * The case with perturbed modalities, rounded to integers as the cohort stores them (at least
     * 1 in the brain, 0 outside); labels, tissue map and identity unchanged.
     */
    public SyntheticCase apply(SyntheticCase c) {
        Objects.requireNonNull(c, "case must not be null");
        Volume first = c.channels()[0];
        float[][] in = new float[c.channels().length][];
        for (int m = 0; m < in.length; m++) {
            in[m] = c.channels()[m].data();
        }
        float[][] out = apply(in, first.shape(), isotropicSpacing(first));
        boolean[] brain = PerturbationOps.brainMask(in);
        Volume[] channels = new Volume[out.length];
        for (int m = 0; m < out.length; m++) {
            float[] d = out[m];
            for (int v = 0; v < d.length; v++) {
                d[v] = brain[v] ? Math.max(1, Math.min(Short.MAX_VALUE, Math.round(d[v]))) : 0;
            }
            channels[m] = c.channels()[m].withData(d);
        }
        return new SyntheticCase(c.id(), c.index(), channels, c.labels(), c.tissue(), c.focus());
    }

    private float[] applyTo(int m, float[] x, boolean[] brain, int[] shape, double spacingMm) {
        Channel c = channels.get(m);
        double[] q = PerturbationOps.quantiles(x, brain, 0.5, 0.995);
        float[] v = PerturbationOps.gamma(x, brain, c.gamma(), q[1]);
        v = PerturbationOps.bias(v, brain, shape, spacingMm, c.biasAmplitude(), new SplittableRandom(stream(m, 0)));
        double[] voxels = {resolutionFactor, resolutionFactor, resolutionFactor};
        voxels[c.sliceAxis()] = Math.max(resolutionFactor, c.sliceThicknessMm() / spacingMm);
        v = PerturbationOps.degrade(v, brain, shape, voxels);
        return PerturbationOps.rician(v, brain, c.noiseSigma() * q[0], stream(m, 1));
    }

    /** An independent stream per (modality, purpose); purpose 1 uses streams s and s + 1 for the noise. */
    private long stream(int modality, int purpose) {
        return CaseSynthesizer.caseSeed(seed, 4 * modality + 2 * purpose);
    }

    private void checkInput(float[][] modalities, int[] shape, double spacingMm) {
        Objects.requireNonNull(modalities, "modalities must not be null");
        require(modalities.length == MODALITIES,
                "expected " + MODALITIES + " modalities (T1, T1ce, T2, FLAIR), got " + modalities.length);
        Objects.requireNonNull(shape, "shape must not be null");
        require(shape.length == 3, "shape must have 3 sizes, got " + shape.length);
        long voxels = 1;
        for (int s : shape) {
            require(s >= 1, "empty volume: shape must be positive, got " + Arrays.toString(shape));
            voxels *= s;
        }
        require(spacingMm > 0 && Double.isFinite(spacingMm), "spacingMm must be finite and > 0, got " + spacingMm);
        for (int m = 0; m < modalities.length; m++) {
            float[] x = modalities[m];
            require(x != null, "modality " + m + " is null");
            require(x.length == voxels, "modality " + m + " has " + x.length + " voxels, shape "
                    + Arrays.toString(shape) + " needs " + voxels);
            for (int v = 0; v < x.length; v++) {
                float f = x[v];
                if (!(f >= 0 && f != Float.POSITIVE_INFINITY)) { // NaN fails too
                    throw new IllegalArgumentException("modality " + m + " voxel " + v + " is " + f
                            + ": perturbations take raw intensities, finite and >= 0 (apply them before the z-score)");
                }
            }
        }
    }

    private static double isotropicSpacing(Volume v) {
        double[] s = v.spacing();
        require(Math.abs(s[1] - s[0]) <= 1e-3 * s[0] && Math.abs(s[2] - s[0]) <= 1e-3 * s[0],
                "perturbations need isotropic voxels, got " + s[0] + " x " + s[1] + " x " + s[2] + " mm");
        return s[0];
    }

    private static double upperHalf(SplittableRandom rnd) {
        return 0.5 + 0.5 * rnd.nextDouble();
    }

    static void requireStrength(double strength) {
        require(strength >= 0 && strength <= MAX_STRENGTH,
                "perturbation strength must be between 0 and " + (int) MAX_STRENGTH + ", got " + strength);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
