package org.brainseg.imaging.preprocess;

import java.util.Objects;
import org.brainseg.imaging.Volume;

/**
 * Preprocessing as nnU-Net does it for BraTS (Isensee et al. 2021), and its inverse for outputs.
 *
 * <ol>
 *   <li>crop to the bounding box of the brain (voxels nonzero in any modality) plus a margin;
 *   <li>z-score each modality with the mean and standard deviation of the brain voxels, and set
 *       voxels outside the brain to 0;
 *   <li>optionally resample to a target spacing: trilinear for images, nearest for labels.
 * </ol>
 *
 * The inverse maps a label map or class probabilities on the preprocessed grid back onto the
 * scan's grid: resample to the crop's size, then place the crop into an empty volume.
 * Pure Java, stateless and thread-safe.
 */
public final class Preprocessor {
    private final PreprocessOptions options;

    public Preprocessor(PreprocessOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    public PreprocessOptions options() {
        return options;
    }

    /**
     * Preprocesses four co-registered channels and optional labels (internal values).
     *
     * @throws IllegalArgumentException if the volumes are not on one grid
     */
    public PreprocessedCase apply(String id, Volume[] channels, Volume labels) {
        Volume ref = channels[0];
        for (Volume c : channels) {
            if (!c.sameShape(ref)) {
                throw new IllegalArgumentException("case " + id + ": channels differ in shape");
            }
        }
        if (labels != null && !labels.sameShape(ref)) {
            throw new IllegalArgumentException("case " + id + ": labels differ in shape from the images");
        }
        BoundingBox box = brainBox(channels, options.margin());
        Volume[] cropped = new Volume[channels.length];
        for (int c = 0; c < channels.length; c++) {
            cropped[c] = crop(channels[c], box);
        }
        zscoreInBrain(cropped);
        Volume croppedLabels = labels == null ? null : crop(labels, box);
        int[] shape = box.shape();
        double[] target = options.targetSpacing();
        if (target != null) {
            int[] to = Resampler.shapeForSpacing(shape, ref.spacing(), target);
            if (to[0] != shape[0] || to[1] != shape[1] || to[2] != shape[2]) {
                for (int c = 0; c < cropped.length; c++) {
                    cropped[c] = Resampler.resample(cropped[c], to[0], to[1], to[2], Interpolation.LINEAR);
                }
                if (croppedLabels != null) {
                    croppedLabels = Resampler.resample(croppedLabels, to[0], to[1], to[2], Interpolation.NEAREST);
                }
                shape = to;
            }
        }
        PreprocessGeometry geometry = new PreprocessGeometry(ref.shape(), ref.affine(), box, shape);
        return new PreprocessedCase(id, cropped, croppedLabels, geometry);
    }

    /** The box of voxels that are finite and nonzero in any channel, grown by {@code margin}; the whole grid if none. */
    public static BoundingBox brainBox(Volume[] channels, int margin) {
        int nx = channels[0].nx();
        int ny = channels[0].ny();
        int nz = channels[0].nz();
        int x0 = nx;
        int y0 = ny;
        int z0 = nz;
        int x1 = -1;
        int y1 = -1;
        int z1 = -1;
        int idx = 0;
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++, idx++) {
                    if (isBrain(channels, idx)) {
                        x0 = Math.min(x0, x);
                        x1 = Math.max(x1, x);
                        y0 = Math.min(y0, y);
                        y1 = Math.max(y1, y);
                        z0 = Math.min(z0, z);
                        z1 = Math.max(z1, z);
                    }
                }
            }
        }
        if (x1 < 0) {
            return BoundingBox.full(nx, ny, nz);
        }
        return new BoundingBox(Math.max(0, x0 - margin), Math.max(0, y0 - margin), Math.max(0, z0 - margin),
                Math.min(nx, x1 + 1 + margin), Math.min(ny, y1 + 1 + margin), Math.min(nz, z1 + 1 + margin));
    }

    private static boolean isBrain(Volume[] channels, int idx) {
        for (Volume c : channels) {
            float v = c.data()[idx];
            if (v != 0 && Float.isFinite(v)) {
                return true;
            }
        }
        return false;
    }

    /** The part of {@code v} inside {@code box}, with the affine moved to the box's corner. */
    public static Volume crop(Volume v, BoundingBox box) {
        int nx = box.nx();
        int ny = box.ny();
        int nz = box.nz();
        float[] src = v.data();
        float[] dst = new float[nx * ny * nz];
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                System.arraycopy(src, v.index(box.x0(), box.y0() + y, box.z0() + z), dst, nx * (y + ny * z), nx);
            }
        }
        return new Volume(nx, ny, nz, dst, v.affine().translateVoxels(box.x0(), box.y0(), box.z0()));
    }

    /** Places a cropped volume back into an all-zero grid of the original shape and affine. */
    public static Volume uncrop(Volume cropped, PreprocessGeometry g) {
        BoundingBox box = g.crop();
        int[] s = g.originalShape();
        Volume out = new Volume(s[0], s[1], s[2], new float[s[0] * s[1] * s[2]], g.originalAffine());
        float[] src = cropped.data();
        for (int z = 0; z < box.nz(); z++) {
            for (int y = 0; y < box.ny(); y++) {
                System.arraycopy(src, box.nx() * (y + box.ny() * z), out.data(),
                        out.index(box.x0(), box.y0() + y, box.z0() + z), box.nx());
            }
        }
        return out;
    }

    /**
     * Z-scores each channel in place over the brain mask (voxels nonzero in any channel); voxels
     * outside the mask, and non-finite ones, become 0. A constant channel gets standard deviation 1.
     */
    public static void zscoreInBrain(Volume[] channels) {
        int n = channels[0].size();
        boolean[] mask = new boolean[n];
        int count = 0;
        for (int i = 0; i < n; i++) {
            mask[i] = isBrain(channels, i);
            if (mask[i]) {
                count++;
            }
        }
        for (Volume c : channels) {
            float[] d = c.data();
            double sum = 0;
            double sumSq = 0;
            for (int i = 0; i < n; i++) {
                if (mask[i] && Float.isFinite(d[i])) {
                    sum += d[i];
                    sumSq += (double) d[i] * d[i];
                }
            }
            double mean = count == 0 ? 0 : sum / count;
            double var = count == 0 ? 0 : Math.max(0, sumSq / count - mean * mean);
            double std = Math.sqrt(var);
            float scale = (float) (std > 1e-8 ? 1 / std : 1);
            float m = (float) mean;
            for (int i = 0; i < n; i++) {
                d[i] = mask[i] && Float.isFinite(d[i]) ? (d[i] - m) * scale : 0f;
            }
        }
    }

    /** A label map on the preprocessed grid back on the scan's grid (nearest neighbour, then uncrop). */
    public static Volume restoreLabels(Volume labels, PreprocessGeometry g) {
        BoundingBox box = g.crop();
        Volume onCrop = g.resampled()
                ? Resampler.resample(labels, box.nx(), box.ny(), box.nz(), Interpolation.NEAREST)
                : labels;
        return uncrop(onCrop, g);
    }

    /**
     * Class probabilities on the preprocessed grid to a label map on the scan's grid: each class is
     * resampled trilinearly to the crop (smoother borders than resampling the argmax), the argmax
     * taken there, and the crop placed into the scan's grid (background elsewhere).
     *
     * @param probabilities one i-fastest array per class, on {@code g.shape()}
     */
    public static Volume restoreFromProbabilities(float[][] probabilities, PreprocessGeometry g) {
        BoundingBox box = g.crop();
        int[] cropShape = box.shape();
        float[][] p = probabilities;
        if (g.resampled()) {
            p = new float[probabilities.length][];
            for (int c = 0; c < p.length; c++) {
                p[c] = Resampler.linear(probabilities[c], g.shape(), cropShape);
            }
        }
        int n = cropShape[0] * cropShape[1] * cropShape[2];
        float[] labels = new float[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            float bestP = p[0][i];
            for (int c = 1; c < p.length; c++) {
                if (p[c][i] > bestP) {
                    bestP = p[c][i];
                    best = c;
                }
            }
            labels[i] = best;
        }
        return uncrop(new Volume(cropShape[0], cropShape[1], cropShape[2], labels,
                g.originalAffine().translateVoxels(box.x0(), box.y0(), box.z0())), g);
    }
}
