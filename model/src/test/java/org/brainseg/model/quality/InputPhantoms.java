package org.brainseg.model.quality;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.brainseg.imaging.Affine;
import org.brainseg.imaging.Volume;

/**
 * Seeded brain-like scans for the guard's tests (brainseg-synthetic is not on model's test path):
 * an ellipsoid brain of about 1.3 L in a zero background, with ventricles, a cortical ribbon,
 * sulcal CSF and a smooth grey/white texture, rendered in T1, T1ce, T2 and FLAIR with the tissue
 * contrasts of the synthetic cohort (T1 WM &gt; GM &gt; CSF, T2 CSF brightest, FLAIR CSF
 * suppressed), a smooth bias field, 3 % Gaussian noise and an arbitrary scale per modality.
 * Positions are in mm, so one seed gives the same anatomy at any voxel size.
 */
final class InputPhantoms {
    /** Field of view in mm. */
    static final double[] FOV_MM = {192, 224, 176};
    /** Signal at CSF, GM and WM per modality (T1, T1ce, T2, FLAIR), as brainseg-synthetic's Contrast. */
    private static final double[][] TISSUE = {
        {0.28, 0.62, 0.85},
        {0.30, 0.64, 0.84},
        {1.00, 0.60, 0.42},
        {0.12, 0.62, 0.47},
    };
    /** Brain semi-axes in mm at scale 1. */
    private static final double[] AXES_MM = {66, 82, 58};
    /** Voxel size of the reference and of the scans compared with it. */
    static final double MM = 2;
    /** Seeds of the reference cases; the tests' scans use others. */
    private static final long[] REFERENCE_SEEDS = {1, 2, 3};
    private static InputReference reference;

    private InputPhantoms() {}

    /** The tests' reference: three phantoms at {@value #MM} mm, fitted once. */
    static synchronized InputReference reference() {
        if (reference == null) {
            reference = InputReference.fit(referenceCases());
        }
        return reference;
    }

    static List<Volume[]> referenceCases() {
        List<Volume[]> cases = new ArrayList<>();
        for (long seed : REFERENCE_SEEDS) {
            cases.add(scan(seed, MM));
        }
        return cases;
    }

    /** A scan on the default field of view. */
    static Volume[] scan(long seed, double spacingMm) {
        return scan(seed, spacingMm, 1.0, FOV_MM);
    }

    /**
     * A scan.
     *
     * @param brainScale the brain's size relative to the default, per axis
     * @param fovMm field of view in mm per axis, centred on the brain
     */
    static Volume[] scan(long seed, double spacingMm, double brainScale, double[] fovMm) {
        Random r = new Random(seed);
        int[] n = new int[3];
        for (int a = 0; a < 3; a++) {
            n[a] = (int) Math.round(fovMm[a] / spacingMm);
        }
        double[] axes = new double[3];
        double[] phase = new double[3];
        for (int a = 0; a < 3; a++) {
            axes[a] = AXES_MM[a] * brainScale * (1 + 0.04 * (r.nextDouble() - 0.5));
            phase[a] = 2 * Math.PI * r.nextDouble();
        }
        double ventricle = 0.20 + 0.06 * r.nextDouble();
        double[] scale = new double[4];
        for (int m = 0; m < 4; m++) {
            scale[m] = 200 + 1800 * r.nextDouble();
        }
        Affine affine = Affine.of(new double[][] {
            {spacingMm, 0, 0, -fovMm[0] / 2}, {0, spacingMm, 0, -fovMm[1] / 2}, {0, 0, spacingMm, -fovMm[2] / 2},
            {0, 0, 0, 1}});
        float[][] data = new float[4][n[0] * n[1] * n[2]];
        for (int z = 0, i = 0; z < n[2]; z++) {
            for (int y = 0; y < n[1]; y++) {
                for (int x = 0; x < n[0]; x++, i++) {
                    double px = (x + 0.5) * spacingMm - fovMm[0] / 2;
                    double py = (y + 0.5) * spacingMm - fovMm[1] / 2;
                    double pz = (z + 0.5) * spacingMm - fovMm[2] / 2;
                    double rad = Math.sqrt(sq(px / axes[0]) + sq(py / axes[1]) + sq(pz / axes[2]));
                    if (rad > 1) {
                        continue;
                    }
                    double t = tissue(rad, ventricle, px, py, pz, phase);
                    double bias = 1 + 0.05 * Math.sin(px / 60 + phase[1]) * Math.cos(pz / 50 + phase[2]);
                    for (int m = 0; m < 4; m++) {
                        double v = signal(m, t) * bias * (1 + 0.03 * r.nextGaussian());
                        data[m][i] = (float) Math.max(1, Math.round(scale[m] * v));
                    }
                }
            }
        }
        Volume[] out = new Volume[4];
        for (int m = 0; m < 4; m++) {
            out[m] = new Volume(n[0], n[1], n[2], data[m], affine);
        }
        return out;
    }

    /** Tissue coordinate: 0 CSF, 1 GM, 2 WM, with smooth borders. */
    private static double tissue(double rad, double ventricle, double px, double py, double pz, double[] phase) {
        double texture = 0.5
                + 0.5 * Math.sin(px / 9 + phase[0]) * Math.sin(py / 11 + phase[1]) * Math.sin(pz / 8 + phase[2]);
        double white = 2 - 1.3 * texture;
        double cortex = smooth(rad, 0.70, 0.80);
        double sulci = smooth(rad, 0.88, 0.98) * (0.5 + 0.5 * texture);
        double t = white + (1 - white) * cortex - sulci;
        double ventricles = 1 - smooth(rad, ventricle - 0.04, ventricle + 0.04);
        return Math.max(0, t * (1 - ventricles));
    }

    private static double signal(int m, double t) {
        double[] c = TISSUE[m];
        return t < 1 ? c[0] + t * (c[1] - c[0]) : c[1] + (t - 1) * (c[2] - c[1]);
    }

    /** 0 below a, 1 above b, a smooth step between. */
    private static double smooth(double v, double a, double b) {
        double u = Math.max(0, Math.min(1, (v - a) / (b - a)));
        return u * u * (3 - 2 * u);
    }

    private static double sq(double v) {
        return v * v;
    }
}
