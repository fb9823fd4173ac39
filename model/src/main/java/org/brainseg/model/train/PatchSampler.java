package org.brainseg.model.train;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws training batches of cubic patches: a random case, then with probability
 * {@code foregroundFraction} a patch centred on a tumour voxel (a tumour class chosen uniformly
 * among those present, then a voxel of it, as nnU-Net's oversampling), otherwise a uniformly
 * placed patch. Patches reaching past the volume are zero-padded (background). Each patch is
 * flipped and intensity-augmented independently. Deterministic for a given seed.
 */
final class PatchSampler {
    private final List<TrainingCase> cases;
    private final int patch;
    private final double foregroundFraction;
    private final Augmentation augmentation;
    private final int channels;
    private final int classes;
    private final SplittableRandom random;

    /** One batch: images (B, C, P, P, P) and one-hot targets (B, K, P, P, P), C order. */
    record Batch(int size, float[] images, float[] oneHot) {}

    PatchSampler(List<TrainingCase> cases, int patch, int classes, double foregroundFraction, Augmentation augmentation,
            long seed) {
        if (cases.isEmpty()) {
            throw new IllegalArgumentException("no training cases");
        }
        this.cases = cases;
        this.patch = patch;
        this.classes = classes;
        this.foregroundFraction = foregroundFraction;
        this.augmentation = augmentation;
        this.channels = cases.get(0).channels.length;
        this.random = new SplittableRandom(seed);
    }

    Batch next(int batchSize) {
        int p3 = patch * patch * patch;
        float[] images = new float[batchSize * channels * p3];
        float[] oneHot = new float[batchSize * classes * p3];
        for (int b = 0; b < batchSize; b++) {
            TrainingCase c = cases.get(random.nextInt(cases.size()));
            int[] origin = origin(c, random.nextDouble() < foregroundFraction);
            boolean[] flip = new boolean[3];
            for (int a = 0; a < 3; a++) {
                flip[a] = random.nextDouble() < augmentation.flipProbability();
            }
            float[] scale = new float[channels];
            float[] shift = new float[channels];
            for (int ch = 0; ch < channels; ch++) {
                scale[ch] = (float) (1 + augmentation.intensityScale() * (2 * random.nextDouble() - 1));
                shift[ch] = (float) (augmentation.intensityShift() * (2 * random.nextDouble() - 1));
            }
            copy(c, origin, flip, scale, shift, images, b * channels * p3, oneHot, b * classes * p3);
        }
        return new Batch(batchSize, images, oneHot);
    }

    /** Patch corner: around a tumour voxel, or uniform; within [min(0, n−P), max(0, n−P)] per axis. */
    private int[] origin(TrainingCase c, boolean tumour) {
        int[] n = {c.nx, c.ny, c.nz};
        int[] o = new int[3];
        if (tumour && c.hasTumour()) {
            int cls;
            do {
                cls = 1 + random.nextInt(3);
            } while (c.foreground[cls].length == 0);
            int idx = c.foreground[cls][random.nextInt(c.foreground[cls].length)];
            int[] centre = {idx % c.nx, (idx / c.nx) % c.ny, idx / (c.nx * c.ny)};
            for (int a = 0; a < 3; a++) {
                o[a] = clamp(centre[a] - patch / 2, Math.min(0, n[a] - patch), Math.max(0, n[a] - patch));
            }
        } else {
            for (int a = 0; a < 3; a++) {
                int lo = Math.min(0, n[a] - patch);
                int hi = Math.max(0, n[a] - patch);
                o[a] = lo + random.nextInt(hi - lo + 1);
            }
        }
        return o;
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    private void copy(TrainingCase c, int[] o, boolean[] flip, float[] scale, float[] shift, float[] images, int imgOff,
            float[] oneHot, int hotOff) {
        int p = patch;
        int p3 = p * p * p;
        for (int z = 0; z < p; z++) {
            int sz = o[2] + z;
            int dz = flip[2] ? p - 1 - z : z;
            for (int y = 0; y < p; y++) {
                int sy = o[1] + y;
                int dy = flip[1] ? p - 1 - y : y;
                boolean rowInside = sz >= 0 && sz < c.nz && sy >= 0 && sy < c.ny;
                int rowSrc = rowInside ? c.nx * (sy + c.ny * sz) : 0;
                int rowDst = (dz * p + dy) * p;
                for (int x = 0; x < p; x++) {
                    int sx = o[0] + x;
                    int dst = rowDst + (flip[0] ? p - 1 - x : x);
                    if (rowInside && sx >= 0 && sx < c.nx) {
                        int src = rowSrc + sx;
                        for (int ch = 0; ch < channels; ch++) {
                            images[imgOff + ch * p3 + dst] = c.channels[ch][src] * scale[ch] + shift[ch];
                        }
                        oneHot[hotOff + c.labels[src] * p3 + dst] = 1f;
                    } else {
                        oneHot[hotOff + dst] = 1f; // padding is background
                    }
                }
            }
        }
    }
}
