package org.brainseg.synthetic;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The operations a {@link Perturbation} is made of, one volume at a time (i fastest), each on the
 * brain mask only: outside it the result is 0. Kept apart from {@code Perturbation} so that each
 * can be tested on its own.
 */
final class PerturbationOps {
    /** Correlation length of the bias field: a few cycles across the head, as coil sensitivity varies. */
    static final double BIAS_CELL_MM = 80;
    /** Quantiles are taken from at most this many brain voxels (an even stride): enough for 0.5 % tails. */
    private static final int QUANTILE_SAMPLES = 1 << 16;

    private PerturbationOps() {}

    /** Voxels that are nonzero in at least one modality: the head as BraTS stores it (background 0). */
    static boolean[] brainMask(float[][] modalities) {
        boolean[] brain = new boolean[modalities[0].length];
        for (float[] m : modalities) {
            for (int v = 0; v < brain.length; v++) {
                brain[v] |= m[v] != 0;
            }
        }
        return brain;
    }

    /**
     * Quantiles {@code q} (0..1) of the positive values of {@code x} in the brain, from an evenly
     * strided sample; all 0 when there are none.
     */
    static double[] quantiles(float[] x, boolean[] brain, double... q) {
        int count = 0;
        for (int v = 0; v < x.length; v++) {
            if (brain[v] && x[v] > 0) {
                count++;
            }
        }
        double[] out = new double[q.length];
        if (count == 0) {
            return out;
        }
        int stride = Math.max(1, count / QUANTILE_SAMPLES);
        float[] sample = new float[(count + stride - 1) / stride];
        int seen = 0;
        int n = 0;
        for (int v = 0; v < x.length; v++) {
            if (brain[v] && x[v] > 0) {
                if (seen++ % stride == 0) {
                    sample[n++] = x[v];
                }
            }
        }
        Arrays.sort(sample, 0, n);
        for (int i = 0; i < q.length; i++) {
            out[i] = sample[(int) Math.min(n - 1, Math.round(q[i] * (n - 1)))];
        }
        return out;
    }

    /**
     * Gamma on intensities scaled to [0, 1] by {@code robustMax}, scaled back:
     * {@code robustMax * (x / robustMax)^gamma}. Strictly increasing in x for any gamma &gt; 0, also
     * above robustMax.
     */
    static float[] gamma(float[] x, boolean[] brain, double gamma, double robustMax) {
        float[] out = new float[x.length];
        for (int v = 0; v < x.length; v++) {
            if (brain[v]) {
                out[v] = gamma == 1 || robustMax <= 0 || x[v] <= 0 ? x[v] : (float) (robustMax * Math.pow(x[v] / robustMax, gamma));
            }
        }
        return out;
    }

    /**
     * Multiplies by {@code 1 + amplitude * f}, f a smooth random field ({@link SmoothField}, one
     * lattice point per {@link #BIAS_CELL_MM}) scaled so that its largest magnitude on the grid is
     * 1: the factor stays within [1 - amplitude, 1 + amplitude].
     */
    static float[] bias(float[] x, boolean[] brain, int[] n, double spacingMm, double amplitude, SplittableRandom rng) {
        float[] out = new float[x.length];
        if (amplitude == 0) {
            copyBrain(x, brain, out);
            return out;
        }
        SmoothField field = new SmoothField(rng, n, spacingMm, BIAS_CELL_MM);
        int plane = n[0] * n[1];
        float[] s = new float[plane];
        double peak = 0;
        for (int k = 0; k < n[2]; k++) {
            field.slice(k, 1f, s);
            for (float f : s) {
                peak = Math.max(peak, Math.abs(f));
            }
        }
        if (peak == 0) {
            copyBrain(x, brain, out);
            return out;
        }
        float a = (float) (amplitude / peak);
        for (int k = 0; k < n[2]; k++) {
            field.slice(k, a, s);
            for (int p = 0; p < plane; p++) {
                int g = k * plane + p;
                if (brain[g]) {
                    out[g] = x[g] * (1 + s[p]);
                }
            }
        }
        return out;
    }

    /**
     * Lower resolution: per axis, the image averaged over acquired voxels of {@code voxels[a]} grid
     * voxels (fractional widths allowed; 1 or less leaves that axis alone) and linearly
     * interpolated back to the grid. Averages run over the brain only (normalized convolution:
     * the blurred image divided by the blurred mask), so the brain's edge does not darken by
     * mixing with the zero background.
     */
    static float[] degrade(float[] x, boolean[] brain, int[] n, double[] voxels) {
        float[] num = new float[x.length];
        float[] den = new float[x.length];
        copyBrain(x, brain, num);
        for (int v = 0; v < x.length; v++) {
            den[v] = brain[v] ? 1 : 0;
        }
        for (int a = 0; a < 3; a++) {
            if (voxels[a] > 1) {
                num = boxResample(num, n, a, voxels[a]);
                den = boxResample(den, n, a, voxels[a]);
            }
        }
        float[] out = new float[x.length];
        for (int v = 0; v < x.length; v++) {
            // den > 0 in the brain: a voxel's own acquired voxel has interpolation weight >= 1/2 and contains it
            out[v] = brain[v] ? num[v] / den[v] : 0;
        }
        return out;
    }

    /**
     * Along {@code axis}: averages over slabs of {@code width} voxels (slab j covers
     * [j·width, (j+1)·width) in continuous voxel coordinates, the last one clipped to the grid),
     * then interpolates linearly between slab centres back to voxel centres (constant beyond the
     * first and last centre). A width of 1 or less returns a copy.
     */
    static float[] boxResample(float[] in, int[] n, int axis, double width) {
        if (!(width > 1)) {
            return in.clone();
        }
        int len = n[axis];
        int stride = axis == 0 ? 1 : axis == 1 ? n[0] : n[0] * n[1];
        int outer = in.length / (stride * len);
        int slabs = (int) Math.ceil(len / width - 1e-9);
        double[] lo = new double[slabs];
        double[] hi = new double[slabs];
        double[] centre = new double[slabs];
        for (int j = 0; j < slabs; j++) {
            lo[j] = j * width;
            hi[j] = Math.min((j + 1) * width, len);
            centre[j] = (lo[j] + hi[j]) / 2;
        }
        int[] left = new int[len]; // slab whose centre is at or left of the voxel centre (clamped)
        double[] w = new double[len]; // weight of slab left + 1
        for (int i = 0, j = 0; i < len; i++) {
            double u = i + 0.5;
            while (j + 1 < slabs && centre[j + 1] <= u) {
                j++;
            }
            left[i] = j;
            w[i] = j + 1 < slabs && u > centre[j] ? (u - centre[j]) / (centre[j + 1] - centre[j]) : 0;
        }
        float[] out = new float[in.length];
        double[] prefix = new double[len + 1];
        double[] avg = new double[slabs];
        float[] line = new float[len];
        for (int o = 0; o < outer; o++) {
            for (int inner = 0; inner < stride; inner++) {
                int base = inner + o * stride * len;
                for (int i = 0; i < len; i++) {
                    line[i] = in[base + i * stride];
                    prefix[i + 1] = prefix[i] + line[i];
                }
                for (int j = 0; j < slabs; j++) {
                    avg[j] = (integral(prefix, line, hi[j]) - integral(prefix, line, lo[j])) / (hi[j] - lo[j]);
                }
                for (int i = 0; i < len; i++) {
                    int j = left[i];
                    double v = w[i] == 0 ? avg[j] : (1 - w[i]) * avg[j] + w[i] * avg[j + 1];
                    out[base + i * stride] = (float) v;
                }
            }
        }
        return out;
    }

    /** Integral of the piecewise-constant line from 0 to {@code x} (0 <= x <= length). */
    private static double integral(double[] prefix, float[] line, double x) {
        int i = (int) Math.floor(x);
        return i >= line.length ? prefix[line.length] : prefix[i] + (x - i) * line[i];
    }

    /**
     * Rician noise: the magnitude {@code |x + sigma (n1 + i n2)|} of the signal plus complex
     * Gaussian noise, n1 and n2 from position-addressed {@link VoxelNoise} streams
     * {@code stream} and {@code stream + 1} (the same whatever the thread or visiting order).
     */
    static float[] rician(float[] x, boolean[] brain, double sigma, long stream) {
        float[] out = new float[x.length];
        if (sigma == 0) {
            copyBrain(x, brain, out);
            return out;
        }
        float s = (float) sigma;
        for (int v = 0; v < x.length; v++) {
            if (brain[v]) {
                float re = x[v] + s * VoxelNoise.gaussian(stream, v);
                float im = s * VoxelNoise.gaussian(stream + 1, v);
                out[v] = (float) Math.sqrt(re * re + im * im);
            }
        }
        return out;
    }

    private static void copyBrain(float[] x, boolean[] brain, float[] out) {
        for (int v = 0; v < x.length; v++) {
            if (brain[v]) {
                out[v] = x[v];
            }
        }
    }
}
