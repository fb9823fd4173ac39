package org.brainseg.viewer.render;

import org.brainseg.imaging.Volume;

/**
 * How a volume is put on screen: the intensity window (0.5th to 99.5th percentile of the non-zero
 * voxels, as radiology viewers default to) and, per voxel axis, whether it runs against the screen
 * (radiological convention: the patient's right on the left, anterior up in axial, superior up in
 * coronal and sagittal, anterior on the left in sagittal). The axis directions are read from the
 * affine's diagonal, so oblique acquisitions are shown in voxel order, not resliced.
 *
 * @param flipI draw voxel axis i from right to left of the screen
 * @param flipJ draw voxel axis j reversed (axial: bottom to top; sagittal: right to left)
 * @param flipK draw voxel axis k bottom to top
 */
public record Display(float windowLow, float windowHigh, boolean flipI, boolean flipJ, boolean flipK) {

    public static Display of(Volume v) {
        float[] w = window(v.data());
        var a = v.affine();
        // NIfTI world is RAS: +x right, +y anterior, +z superior
        return new Display(w[0], w[1], a.get(0, 0) > 0, a.get(1, 1) > 0, a.get(2, 2) > 0);
    }

    /** 0.5th and 99.5th percentile of the non-zero voxels ({0, 1} for an empty volume). */
    static float[] window(float[] data) {
        float max = Float.NEGATIVE_INFINITY;
        float min = Float.POSITIVE_INFINITY;
        long n = 0;
        for (float f : data) {
            if (f != 0 && Float.isFinite(f)) {
                max = Math.max(max, f);
                min = Math.min(min, f);
                n++;
            }
        }
        if (n == 0 || max <= min) {
            return new float[] {n == 0 ? 0 : min - 1, n == 0 ? 1 : max};
        }
        int bins = 4096;
        long[] hist = new long[bins];
        double scale = (bins - 1) / (double) (max - min);
        for (float f : data) {
            if (f != 0 && Float.isFinite(f)) {
                hist[(int) ((f - min) * scale)]++;
            }
        }
        return new float[] {min + percentileBin(hist, n, 0.005) / (float) scale,
            min + (percentileBin(hist, n, 0.995) + 1) / (float) scale};
    }

    private static int percentileBin(long[] hist, long n, double q) {
        long target = (long) Math.ceil(q * n);
        long seen = 0;
        for (int b = 0; b < hist.length; b++) {
            seen += hist[b];
            if (seen >= target && seen > 0) {
                return b;
            }
        }
        return hist.length - 1;
    }

    /** A grey level 0-255 for an intensity. */
    public int grey(float value) {
        float f = (value - windowLow) / Math.max(1e-6f, windowHigh - windowLow);
        return Math.max(0, Math.min(255, Math.round(255 * f)));
    }
}
