package org.brainseg.model.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import org.brainseg.model.engine.EngineSettings;

/**
 * Whole-volume inference by overlapping cubic windows, as nnU-Net (Isensee et al. 2021): windows
 * overlap by half a patch (steps spread evenly so the last window ends at the border), each
 * window's softmax probabilities are weighted by a Gaussian importance map (σ = patch / 8,
 * centred, max 1) that trusts a window's centre more than its border, and the weighted sum is
 * divided by the summed weights. Volumes smaller than a patch are zero-padded. Optional test-time
 * augmentation averages the probabilities over all 8 combinations of flips on the three axes.
 * Several windows go through the network in one forward pass.
 *
 * <p>Volumes are i-fastest float arrays (x, y, z); the network sees them as (D, H, W) = (z, y, x),
 * which is the same memory order, so no transposition is needed.
 *
 * <p>Thread-safe: each call uses its own NDManager and ParameterStore and runs with autograd off;
 * the network's parameters are only read.
 */
public final class SlidingWindow {
    /** Overlap between neighbouring windows, as a fraction of the patch. */
    public static final double OVERLAP = 0.5;
    /** Gaussian σ as a fraction of the patch edge. */
    public static final double SIGMA_SCALE = 1.0 / 8;

    private final Block net;
    private final int inChannels;
    private final int classes;
    private final int patch;
    private final int windowBatch;
    private final boolean tta;
    private final float[] importance;

    /**
     * @param net the network, (N, inChannels, P, P, P) → (N, classes, P, P, P) logits
     * @param patch window edge in voxels (must be a size the network accepts)
     * @param windowBatch windows per forward pass
     * @param tta average over the 8 flip combinations
     */
    public SlidingWindow(Block net, int inChannels, int classes, int patch, int windowBatch, boolean tta) {
        if (patch < 1 || windowBatch < 1) {
            throw new IllegalArgumentException("patch and window batch must be positive: " + patch + ", " + windowBatch);
        }
        this.net = net;
        this.inChannels = inChannels;
        this.classes = classes;
        this.patch = patch;
        this.windowBatch = windowBatch;
        this.tta = tta;
        this.importance = gaussian(patch);
    }

    /** The importance map: a separable Gaussian, σ = patch/8, maximum 1 at the centre, x fastest. */
    static float[] gaussian(int p) {
        double sigma = p * SIGMA_SCALE;
        double c = (p - 1) / 2.0;
        double[] g = new double[p];
        for (int i = 0; i < p; i++) {
            g[i] = Math.exp(-(i - c) * (i - c) / (2 * sigma * sigma));
        }
        double max = 0;
        for (double v : g) {
            max = Math.max(max, v);
        }
        float[] out = new float[p * p * p];
        int idx = 0;
        for (int z = 0; z < p; z++) {
            for (int y = 0; y < p; y++) {
                for (int x = 0; x < p; x++) {
                    out[idx++] = (float) (g[z] * g[y] * g[x] / (max * max * max));
                }
            }
        }
        return out;
    }

    /** Window start positions along an axis of {@code size} voxels (padded to at least one patch). */
    static int[] starts(int size, int patch) {
        int s = Math.max(size, patch);
        double target = patch * (1 - OVERLAP);
        int n = (int) Math.ceil((s - patch) / target) + 1;
        int[] out = new int[n];
        double step = n > 1 ? (double) (s - patch) / (n - 1) : 0;
        for (int i = 0; i < n; i++) {
            out[i] = (int) Math.round(step * i);
        }
        return out;
    }

    /**
     * Class probabilities for a whole volume.
     *
     * @param parent manager on the network's device; a sub-manager is used and closed here
     * @param channels {@code inChannels} arrays of nx·ny·nz voxels, i fastest
     * @return {@code classes} arrays of nx·ny·nz probabilities
     */
    public float[][] predict(NDManager parent, float[][] channels, int nx, int ny, int nz) {
        if (channels.length != inChannels) {
            throw new IllegalArgumentException("expected " + inChannels + " channels, got " + channels.length);
        }
        int n = nx * ny * nz;
        for (float[] c : channels) {
            if (c.length != n) {
                throw new IllegalArgumentException("channel has " + c.length + " voxels, expected " + nx + "x" + ny + "x" + nz);
            }
        }
        List<int[]> windows = new ArrayList<>();
        for (int z : starts(nz, patch)) {
            for (int y : starts(ny, patch)) {
                for (int x : starts(nx, patch)) {
                    windows.add(new int[] {x, y, z});
                }
            }
        }
        float[][] acc = new float[classes][n];
        float[] weight = new float[n];
        int p3 = patch * patch * patch;
        EngineSettings.NoGrad noGrad = EngineSettings.noGrad();
        try (noGrad; NDManager m = parent.newSubManager()) {
            ParameterStore ps = new ParameterStore(m, false);
            for (int first = 0; first < windows.size(); first += windowBatch) {
                int b = Math.min(windowBatch, windows.size() - first);
                float[] buf = new float[b * inChannels * p3];
                for (int w = 0; w < b; w++) {
                    extract(channels, nx, ny, nz, windows.get(first + w), buf, w * inChannels * p3);
                }
                float[] probs;
                try (NDManager bm = m.newSubManager()) {
                    NDArray x = bm.create(buf, new Shape(b, inChannels, patch, patch, patch));
                    probs = probabilities(ps, x).toFloatArray();
                }
                for (int w = 0; w < b; w++) {
                    accumulate(probs, w * classes * p3, windows.get(first + w), nx, ny, nz, acc, weight);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            float inv = 1f / weight[i];
            for (int k = 0; k < classes; k++) {
                acc[k][i] *= inv;
            }
        }
        return acc;
    }

    private NDArray probabilities(ParameterStore ps, NDArray x) {
        NDArray sum = net.forward(ps, new NDList(x), false).singletonOrThrow().softmax(1);
        if (!tta) {
            return sum;
        }
        int[][] flips = {{2}, {3}, {4}, {2, 3}, {2, 4}, {3, 4}, {2, 3, 4}};
        for (int[] axes : flips) {
            // A forward pass leaves every intermediate activation on the input's manager until that
            // manager closes: give each flip its own, so that only one pass's activations are alive.
            try (NDManager fm = x.getManager().newSubManager()) {
                NDArray flipped = x.flip(axes);
                flipped.attach(fm);
                NDArray out = net.forward(ps, new NDList(flipped), false).singletonOrThrow().softmax(1).flip(axes);
                sum = sum.add(out);
            }
        }
        return sum.div(flips.length + 1);
    }

    private void extract(float[][] channels, int nx, int ny, int nz, int[] origin, float[] buf, int offset) {
        int ox = origin[0];
        int oy = origin[1];
        int oz = origin[2];
        int wx = Math.min(patch, nx - ox);
        for (int c = 0; c < inChannels; c++) {
            float[] src = channels[c];
            for (int z = 0; z < patch && oz + z < nz; z++) {
                for (int y = 0; y < patch && oy + y < ny; y++) {
                    System.arraycopy(src, ox + nx * (oy + y + ny * (oz + z)), buf,
                            offset + ((c * patch + z) * patch + y) * patch, wx);
                }
            }
        }
    }

    private void accumulate(float[] probs, int offset, int[] origin, int nx, int ny, int nz, float[][] acc, float[] weight) {
        int ox = origin[0];
        int oy = origin[1];
        int oz = origin[2];
        int wx = Math.min(patch, nx - ox);
        int p3 = patch * patch * patch;
        for (int z = 0; z < patch && oz + z < nz; z++) {
            for (int y = 0; y < patch && oy + y < ny; y++) {
                int dst = ox + nx * (oy + y + ny * (oz + z));
                int g = (z * patch + y) * patch;
                for (int x = 0; x < wx; x++) {
                    weight[dst + x] += importance[g + x];
                }
                for (int k = 0; k < classes; k++) {
                    float[] a = acc[k];
                    int src = offset + k * p3 + g;
                    for (int x = 0; x < wx; x++) {
                        a[dst + x] += probs[src + x] * importance[g + x];
                    }
                }
            }
        }
    }

    public int patch() {
        return patch;
    }
}
