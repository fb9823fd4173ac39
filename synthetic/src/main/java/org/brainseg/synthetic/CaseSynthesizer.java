package org.brainseg.synthetic;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.brainseg.imaging.Affine;
import org.brainseg.imaging.Volume;

/**
 * Builds one case: warp the anatomy, place and draw the tumour, then render the four contrasts
 * with bias field, Rician noise and per-case intensity scaling. Slices run in parallel; every
 * random draw comes from the case's own generator (in a fixed order) or from position-addressed
 * {@link VoxelNoise}, so the result does not depend on thread scheduling.
 */
final class CaseSynthesizer {
    static final double MIN_WT_ML = 20;
    static final double MAX_WT_ML = 200;
    private static final int ATTEMPTS = 4;

    private final Anatomy anatomy;
    private final int[] shape;
    private final double spacing;
    private final Affine affine;
    private final long seed;

    CaseSynthesizer(Anatomy anatomy, CohortConfig config) {
        this.anatomy = anatomy;
        this.shape = config.shape();
        this.spacing = config.spacingMm();
        this.affine = config.affine();
        this.seed = config.seed();
    }

    /** Seed of case {@code index}: a SplitMix64 mix of (seed, index), so cases are independent streams. */
    static long caseSeed(long seed, int index) {
        long z = seed * 0x9E3779B97F4A7C15L + index + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    SyntheticCase synthesize(int index, String id) {
        long caseSeed = caseSeed(seed, index);
        SplittableRandom rng = new SplittableRandom(caseSeed);
        float[] tissue = null;
        TumourMaps maps = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Warp warp = new Warp(rng, shape, spacing, List.of());
            double target = LesionPlanner.targetWtMl(rng);
            List<Lesion> lesions = LesionPlanner.plan(rng, anatomy, warp, target);
            warp = warp.withLesions(lesions);
            tissue = sample(warp);
            maps = TumourBuilder.build(rng, tissue, shape, spacing, lesions, target);
            double wt = count(maps.labels()) * voxelMl();
            if (wt >= MIN_WT_ML && wt <= MAX_WT_ML) {
                break;
            }
        }
        Hyperintensities decoys = Hyperintensities.place(rng, tissue, maps.labels(), shape, spacing);
        Volume[] channels = render(rng, caseSeed, tissue, maps, decoys);
        float[] labels = new float[tissue.length];
        for (int v = 0; v < labels.length; v++) {
            labels[v] = maps.labels()[v];
        }
        return new SyntheticCase(id, index, channels, volume(labels), volume(tissue), maps.focus());
    }

    private double voxelMl() {
        return spacing * spacing * spacing / 1000;
    }

    /** Tissue coordinate of the warped anatomy on the output grid (NaN outside the brain). */
    private float[] sample(Warp warp) {
        int nx = shape[0];
        int ny = shape[1];
        float[] tissue = new float[nx * ny * shape[2]];
        IntStream.range(0, shape[2]).parallel().forEach(k -> {
            float[] dx = new float[nx * ny];
            float[] dy = new float[nx * ny];
            float[] dz = new float[nx * ny];
            warp.displacementSlice(k, dx, dy, dz);
            double[] a = new double[3];
            double z = (k - (shape[2] - 1) / 2.0) * spacing;
            for (int j = 0; j < ny; j++) {
                double y = (j - (ny - 1) / 2.0) * spacing;
                for (int i = 0; i < nx; i++) {
                    double x = (i - (nx - 1) / 2.0) * spacing;
                    int p = i + nx * j;
                    warp.toAnatomy(x, y, z, a);
                    tissue[p + nx * ny * k] = (float) anatomy.tissueAt(a[0] + dx[p], a[1] + dy[p], a[2] + dz[p]);
                }
            }
        });
        return tissue;
    }

    /** The four contrasts, rounded to integers as they will be stored. */
    private Volume[] render(SplittableRandom rng, long caseSeed, float[] tissue, TumourMaps maps, Hyperintensities decoys) {
        int nx = shape[0];
        int ny = shape[1];
        SmoothField commonBias = new SmoothField(rng, shape, spacing, 90);
        SmoothField[] bias = new SmoothField[Contrast.MODALITIES];
        float[] gain = new float[Contrast.MODALITIES];
        float[] sigma = new float[Contrast.MODALITIES];
        float noiseLevel = (float) (0.015 + 0.025 * rng.nextDouble());
        for (int m = 0; m < Contrast.MODALITIES; m++) {
            bias[m] = new SmoothField(rng, shape, spacing, 60);
            gain[m] = (float) (Contrast.SCALE * (0.85 + 0.3 * rng.nextDouble()));
            sigma[m] = noiseLevel * (float) (0.8 + 0.4 * rng.nextDouble());
        }
        float[][] out = new float[Contrast.MODALITIES][tissue.length];
        Box box = maps.box();
        IntStream.range(0, shape[2]).parallel().forEach(k -> {
            float[] common = new float[nx * ny];
            float[] own = new float[nx * ny];
            commonBias.slice(k, 0.12f, common);
            float[] decoy = decoys.slice(k, shape, spacing);
            for (int m = 0; m < Contrast.MODALITIES; m++) {
                bias[m].slice(k, 0.06f, own);
                for (int j = 0; j < ny; j++) {
                    for (int i = 0; i < nx; i++) {
                        int p = i + nx * j;
                        int g = p + nx * ny * k;
                        float t = tissue[g];
                        if (Float.isNaN(t)) {
                            continue;
                        }
                        float s = box.contains(i, j, k) ? tumourSignal(m, t, maps, box.index(i, j, k)) : Contrast.tissue(m, t);
                        float h = decoy == null ? 0 : decoy[p];
                        if (h > 0) {
                            s += 0.8f * h * (Contrast.EDEMA[m] - s);
                        }
                        s = Math.max(0.02f, s) * (float) Math.exp(common[p] + own[p]);
                        // Rician magnitude noise: |signal + complex Gaussian|.
                        float re = s + sigma[m] * VoxelNoise.gaussian(caseSeed + 2L * m, g);
                        float im = sigma[m] * VoxelNoise.gaussian(caseSeed + 2L * m + 1, g);
                        float v = (float) Math.sqrt(re * re + im * im) * gain[m];
                        out[m][g] = Math.max(1, Math.min(Short.MAX_VALUE, Math.round(v)));
                    }
                }
            }
        });
        Volume[] channels = new Volume[Contrast.MODALITIES];
        for (int m = 0; m < channels.length; m++) {
            channels[m] = volume(out[m]);
        }
        return channels;
    }

    /** Healthy signal blended with edema, then with the core's partial-volume fractions. */
    private static float tumourSignal(int m, float t, TumourMaps maps, int b) {
        float s = Contrast.tissue(m, t);
        float tex = maps.texture()[b];
        float e = maps.edema()[b];
        if (e > 0) {
            s += e * (Contrast.EDEMA[m] * (1 + 0.12f * tex) - s);
        }
        float a1 = maps.ncr()[b];
        float a3 = maps.enhancing()[b];
        if (a1 + a3 > 0) {
            float solid = maps.solid()[b];
            float core = Contrast.NECROSIS[m] + solid * (Contrast.SOLID[m] - Contrast.NECROSIS[m]);
            s = (1 - a1 - a3) * s + a1 * core * (1 + 0.10f * tex) + a3 * Contrast.ENHANCING[m] * (1 - 0.08f * tex);
        }
        return s;
    }

    private Volume volume(float[] data) {
        return new Volume(shape[0], shape[1], shape[2], data, affine);
    }

    private static long count(byte[] labels) {
        long n = 0;
        for (byte b : labels) {
            if (b != 0) {
                n++;
            }
        }
        return n;
    }
}
