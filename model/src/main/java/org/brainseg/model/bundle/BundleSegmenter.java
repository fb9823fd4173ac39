package org.brainseg.model.bundle;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.dataset.LoadedCase;
import org.brainseg.imaging.io.Sha256;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.model.infer.ScanSegmenter;
import org.brainseg.model.infer.Segmentation;
import org.brainseg.model.infer.TumourVolumes;
import org.brainseg.schemas.ModelRef;

/**
 * Serves a network trained elsewhere (a MONAI bundle or a bare TorchScript) through DJL's PyTorch
 * engine, with everything around it taken from its {@link BundleContract}: the input channels put
 * in the network's order, intensities normalized as it was trained, MONAI's sliding window over the
 * scan's own grid (windows placed as {@code monai.inferers.sliding_window_inference} places them,
 * raw outputs blended, then the activation), and the output turned into internal labels.
 *
 * <p>Tensors are laid out as MONAI and nibabel lay them out: (N, C, X, Y, Z), the last axis
 * fastest, so a network trained on nibabel arrays sees the axes it was trained on. One owner: the
 * caller closes it, which frees the network's native memory. Not thread-safe.
 *
 * <p>Not yet: resampling to a stated voxel size (a contract with {@code spacingMm} is refused at
 * load), test-time flips.
 */
public final class BundleSegmenter implements ScanSegmenter {
    private final BundleContract contract;
    private final Model model;
    private final Device device;
    private final float[] importance;
    private final String sha256;

    private BundleSegmenter(BundleContract contract, Model model, Device device, String sha256) {
        this.contract = contract;
        this.model = model;
        this.device = device;
        this.importance = importance(contract.window());
        this.sha256 = sha256;
    }

    /**
     * Reads the contract, loads {@code model.ts} and runs a warm-up window, refusing a network
     * whose output has the wrong rank, channel count or size, or is not finite.
     */
    public static BundleSegmenter load(Path dir, EngineSettings settings) throws BundleException {
        BundleContract c = BundleReader.read(dir);
        if (c.spacingMm() != null) {
            throw new BundleException(dir.resolve(BundleReader.OVERRIDE_FILE), "spacingMm",
                    "resampling imported models to a stated voxel size is not supported yet; only the scan's own grid "
                            + "(no Spacingd, or \"scan\" in the override file)");
        }
        Path file = BundleReader.modelFile(dir);
        Device device = settings.apply();
        Model model = Model.newInstance(c.name(), device, EngineSettings.ENGINE);
        try {
            model.load(file.getParent(), file.getFileName().toString());
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new BundleException(file, "", "not a TorchScript this engine can load: " + e.getMessage());
        }
        BundleSegmenter s;
        try {
            s = new BundleSegmenter(c, model, device, Sha256.ofFile(file));
        } catch (IOException e) {
            model.close();
            throw new BundleException(file, "", "unreadable: " + e.getMessage());
        }
        try {
            s.probe(file);
        } catch (BundleException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    public BundleContract contract() {
        return contract;
    }

    @Override
    public String modelName() {
        return ref().toString();
    }

    /** The network as its authors name it: (torchscript, name, version). */
    public ModelRef ref() {
        return new ModelRef(ModelRef.TORCHSCRIPT, contract.name(), contract.version());
    }

    @Override
    public String modelSha256() {
        return sha256;
    }

    @Override
    public String device() {
        return device.toString();
    }

    /** Not yet for imported models. */
    @Override
    public boolean supportsTta() {
        return false;
    }

    /** The case segmented on its own grid; test-time flips are not supported for imported models yet. */
    @Override
    public Segmentation segment(LoadedCase c, boolean tta) {
        if (tta) {
            throw new IllegalArgumentException("test-time flips are not supported for imported models yet (" + modelName() + ")");
        }
        return segment(c);
    }

    /** The case segmented on its own grid; its channels are not modified. */
    public Segmentation segment(LoadedCase c) {
        long t0 = System.nanoTime();
        Volume first = c.channels()[0];
        int nx = first.nx();
        int ny = first.ny();
        int nz = first.nz();
        boolean[] brain = contract.intensity() == BundleContract.Intensity.BRAIN_ZSCORE ? brain(c.channels()) : null;
        float[][] in = new float[contract.channels().size()][];
        for (int k = 0; k < in.length; k++) {
            in[k] = normalized(c.channels()[contract.channels().get(k).ordinal()].data(), brain);
        }
        long t1 = System.nanoTime();
        float[][] out = outputs(in, nx, ny, nz);
        float[] mask = new float[nx * ny * nz];
        float[] v = new float[out.length];
        boolean sigmoid = contract.output() instanceof BundleContract.SigmoidRegions;
        for (int i = 0; i < mask.length; i++) {
            for (int k = 0; k < v.length; k++) {
                v[k] = out[k][i];
            }
            if (sigmoid) {
                for (int k = 0; k < v.length; k++) {
                    v[k] = (float) (1 / (1 + Math.exp(-v[k])));
                }
            }
            mask[i] = contract.output().label(v); // softmax: the argmax of the logits is the argmax of the probabilities
        }
        long t2 = System.nanoTime();
        Volume m = first.withData(mask);
        return new Segmentation(m, TumourVolumes.of(m), (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, 0);
    }

    /** Voxels where any modality is nonzero: brainseg's brain mask for {@code brain-zscore}. */
    static boolean[] brain(Volume[] channels) {
        boolean[] inside = new boolean[channels[0].size()];
        for (Volume v : channels) {
            float[] d = v.data();
            for (int i = 0; i < inside.length; i++) {
                inside[i] |= d[i] != 0;
            }
        }
        return inside;
    }

    /**
     * One input channel z-scored over {@code mask}, or over its own nonzero voxels when the mask is
     * null (MONAI's nonzero, channel-wise); 0 elsewhere (x fastest, as the volume).
     */
    static float[] normalized(float[] src, boolean[] mask) {
        float[] dst = new float[src.length];
        boolean[] inside = mask;
        if (inside == null) {
            inside = new boolean[src.length];
            for (int i = 0; i < src.length; i++) {
                inside[i] = src[i] != 0;
            }
        }
        double sum = 0;
        long n = 0;
        for (int i = 0; i < src.length; i++) {
            if (inside[i] && Float.isFinite(src[i])) {
                sum += src[i];
                n++;
            }
        }
        double mean = n == 0 ? 0 : sum / n;
        double ss = 0;
        for (int i = 0; i < src.length; i++) {
            if (inside[i] && Float.isFinite(src[i])) {
                ss += (src[i] - mean) * (src[i] - mean);
            }
        }
        double std = n == 0 ? 0 : Math.sqrt(ss / n); // population sd, as torch.std(unbiased=False) in MONAI
        double scale = std > 0 ? 1 / std : 1;
        for (int i = 0; i < src.length; i++) {
            dst[i] = inside[i] && Float.isFinite(src[i]) ? (float) ((src[i] - mean) * scale) : 0f;
        }
        return dst;
    }

    /**
     * The network's raw outputs over the whole volume, blended from the windows (x fastest, per
     * output channel), on the scan's grid.
     *
     * @param in the input channels in the network's order, each nx·ny·nz voxels, x fastest
     */
    public float[][] outputs(float[][] in, int nx, int ny, int nz) {
        BundleContract.Window w = contract.window();
        int[] size = {nx, ny, nz};
        int[] pad = new int[3]; // before; MONAI pads a volume smaller than the window symmetrically
        int[] padded = new int[3];
        for (int a = 0; a < 3; a++) {
            int diff = Math.max(w.roi()[a] - size[a], 0);
            pad[a] = diff / 2;
            padded[a] = size[a] + diff;
        }
        int[][] starts = new int[3][];
        for (int a = 0; a < 3; a++) {
            starts[a] = starts(padded[a], w.roi()[a], w.overlap());
        }
        int rx = w.roi()[0];
        int ry = w.roi()[1];
        int rz = w.roi()[2];
        int r3 = rx * ry * rz;
        int channels = contract.output().channels();
        int n = nx * ny * nz;
        float[][] acc = new float[channels][n];
        float[] weight = new float[n];
        int[][] windows = new int[starts[0].length * starts[1].length * starts[2].length][];
        int count = 0;
        for (int x : starts[0]) {
            for (int y : starts[1]) {
                for (int z : starts[2]) {
                    windows[count++] = new int[] {x - pad[0], y - pad[1], z - pad[2]};
                }
            }
        }
        EngineSettings.NoGrad noGrad = EngineSettings.noGrad();
        try (noGrad; NDManager m = model.getNDManager().newSubManager(device)) {
            ParameterStore ps = new ParameterStore(m, false);
            for (int first = 0; first < windows.length; first += w.batch()) {
                int b = Math.min(w.batch(), windows.length - first);
                float[] buf = new float[b * in.length * r3];
                for (int k = 0; k < b; k++) {
                    extract(in, size, windows[first + k], w.roi(), buf, k * in.length * r3);
                }
                float[] out;
                try (NDManager bm = m.newSubManager()) {
                    NDArray x = bm.create(buf, new Shape(b, in.length, rx, ry, rz));
                    out = model.getBlock().forward(ps, new NDList(x), false).singletonOrThrow().toFloatArray();
                }
                for (int k = 0; k < b; k++) {
                    accumulate(out, k * channels * r3, windows[first + k], size, w.roi(), acc, weight);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            float inv = 1f / weight[i];
            for (float[] a : acc) {
                a[i] *= inv;
            }
        }
        return acc;
    }

    /** Window starts along an axis, as MONAI's {@code dense_patch_slices} places them (the last one flush with the end). */
    static int[] starts(int size, int roi, double overlap) {
        int interval = roi == size ? roi : Math.max((int) (roi * (1 - overlap)), 1);
        int num = (int) Math.ceil((double) size / interval);
        int last = 0;
        for (int d = 0; d < num; d++) {
            if (d * interval + roi >= size) {
                last = d;
                break;
            }
        }
        int[] out = new int[last + 1];
        for (int d = 0; d <= last; d++) {
            int s = d * interval;
            out[d] = s - Math.max(s + roi - size, 0);
        }
        return out;
    }

    /** Blend weights of one window (x, y, z, z fastest): 1 everywhere, or a Gaussian of σ = roi/8 with maximum 1. */
    static float[] importance(BundleContract.Window w) {
        int[] r = w.roi();
        float[] out = new float[r[0] * r[1] * r[2]];
        if (w.blend() == BundleContract.Blend.CONSTANT) {
            Arrays.fill(out, 1f);
            return out;
        }
        double[][] g = new double[3][];
        for (int a = 0; a < 3; a++) {
            double sigma = r[a] * 0.125;
            double c = (r[a] - 1) / 2.0;
            g[a] = new double[r[a]];
            for (int i = 0; i < r[a]; i++) {
                g[a][i] = Math.exp(-(i - c) * (i - c) / (2 * sigma * sigma));
            }
        }
        double max = g[0][(r[0] - 1) / 2] * g[1][(r[1] - 1) / 2] * g[2][(r[2] - 1) / 2];
        int idx = 0;
        for (int x = 0; x < r[0]; x++) {
            for (int y = 0; y < r[1]; y++) {
                for (int z = 0; z < r[2]; z++) {
                    out[idx++] = (float) Math.max(g[0][x] * g[1][y] * g[2][z] / max, 1e-6);
                }
            }
        }
        return out;
    }

    /** Copies one window of every channel into {@code buf} as (C, X, Y, Z), z fastest; outside the volume: 0. */
    private static void extract(float[][] in, int[] size, int[] origin, int[] roi, float[] buf, int offset) {
        int r3 = roi[0] * roi[1] * roi[2];
        for (int c = 0; c < in.length; c++) {
            float[] src = in[c];
            int o = offset + c * r3;
            for (int x = 0; x < roi[0]; x++) {
                int gx = origin[0] + x;
                for (int y = 0; y < roi[1]; y++) {
                    int gy = origin[1] + y;
                    for (int z = 0; z < roi[2]; z++) {
                        int gz = origin[2] + z;
                        boolean inside = gx >= 0 && gy >= 0 && gz >= 0 && gx < size[0] && gy < size[1] && gz < size[2];
                        buf[o + (x * roi[1] + y) * roi[2] + z] = inside ? src[gx + size[0] * (gy + size[1] * gz)] : 0f;
                    }
                }
            }
        }
    }

    private void accumulate(float[] out, int offset, int[] origin, int[] size, int[] roi, float[][] acc, float[] weight) {
        int r3 = roi[0] * roi[1] * roi[2];
        for (int x = 0; x < roi[0]; x++) {
            int gx = origin[0] + x;
            for (int y = 0; y < roi[1]; y++) {
                int gy = origin[1] + y;
                for (int z = 0; z < roi[2]; z++) {
                    int gz = origin[2] + z;
                    if (gx < 0 || gy < 0 || gz < 0 || gx >= size[0] || gy >= size[1] || gz >= size[2]) {
                        continue;
                    }
                    int local = (x * roi[1] + y) * roi[2] + z;
                    int dst = gx + size[0] * (gy + size[1] * gz);
                    float wgt = importance[local];
                    weight[dst] += wgt;
                    for (int k = 0; k < acc.length; k++) {
                        acc[k][dst] += out[offset + k * r3 + local] * wgt;
                    }
                }
            }
        }
    }

    /** A window of zeros through the network: the output must be (1, channels, roi) and finite. */
    private void probe(Path file) throws BundleException {
        int[] r = contract.window().roi();
        int inputs = contract.channels().size();
        try (NDManager m = model.getNDManager().newSubManager(device); EngineSettings.NoGrad noGrad = EngineSettings.noGrad()) {
            NDArray x = m.zeros(new Shape(1, inputs, r[0], r[1], r[2]));
            NDArray y;
            try {
                y = model.getBlock().forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
            } catch (RuntimeException e) {
                throw new BundleException(file, "", "fails on a (1, " + inputs + ", " + r[0] + ", " + r[1] + ", " + r[2]
                        + ") window: " + e.getMessage());
            }
            Shape want = new Shape(1, contract.output().channels(), r[0], r[1], r[2]);
            if (!y.getShape().equals(want)) {
                throw new BundleException(file, "outputs", "the network returns " + y.getShape() + " for a window, the contract says "
                        + want);
            }
            for (float f : y.toFloatArray()) {
                if (!Float.isFinite(f)) {
                    throw new BundleException(file, "outputs", "the warm-up window gives non-finite values");
                }
            }
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
