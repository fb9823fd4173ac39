package org.brainseg.synthetic;

import java.util.SplittableRandom;
import org.brainseg.imaging.Affine;
import org.brainseg.imaging.Volume;

/**
 * A procedural skull-stripped T1 brain for machines without the mricron template: an
 * ellipsoidal cerebrum with a wavy grey/white boundary (gyri), sulcal CSF sheets, the
 * interhemispheric fissure, lateral and third ventricles and deep grey nuclei, on a 1 mm
 * 181 x 217 x 181 grid like the MNI templates. Not anatomy, but the same tissue classes and
 * proportions, so the rest of the pipeline runs unchanged.
 */
final class PhantomHead {
    static final float CSF = 35;
    static final float GM = 80;
    static final float WM = 112;
    private static final int[] SHAPE = {181, 217, 181};
    private static final long SEED = 20_200_101L;

    private PhantomHead() {}

    static Volume build() {
        int nx = SHAPE[0];
        int ny = SHAPE[1];
        int nz = SHAPE[2];
        SplittableRandom rng = new SplittableRandom(SEED);
        SmoothField outline = new SmoothField(rng, SHAPE, 1, 30);
        SmoothField gyri = new SmoothField(rng, SHAPE, 1, 6);
        SmoothField sulci = new SmoothField(rng, SHAPE, 1, 7);
        float[] data = new float[nx * ny * nz];
        float[] so = new float[nx * ny];
        float[] sg = new float[nx * ny];
        float[] ss = new float[nx * ny];
        for (int k = 0; k < nz; k++) {
            outline.slice(k, 0.025f, so);
            gyri.slice(k, 0.045f, sg);
            sulci.slice(k, 1f, ss);
            double z = k - (nz - 1) / 2.0;
            for (int j = 0; j < ny; j++) {
                double y = j - (ny - 1) / 2.0;
                for (int i = 0; i < nx; i++) {
                    double x = i - (nx - 1) / 2.0;
                    int p = i + nx * j;
                    data[p + nx * ny * k] = tissue(x, y, z, so[p], sg[p], ss[p]);
                }
            }
        }
        float[] blurred = Filters.gaussian(data, SHAPE, 0.8);
        for (int i = 0; i < data.length; i++) {
            data[i] = data[i] > 0 ? Math.max(10, blurred[i]) : 0;
        }
        Affine affine = Affine.scaling(1, 1, 1).translateVoxels(-(nx - 1) / 2.0, -(ny - 1) / 2.0, -(nz - 1) / 2.0);
        return new Volume(nx, ny, nz, data, affine);
    }

    /** T1 intensity at (x, y, z) mm from the centre; 0 outside the brain. */
    private static float tissue(double x, double y, double z, float outline, float gyri, float sulcus) {
        double rho = Math.sqrt(sq(x / 68) + sq(y / 84) + sq(z / 62)) + outline;
        if (rho >= 1 || z < -50) {
            return 0;
        }
        for (int s = -1; s <= 1; s += 2) {
            if (inEllipsoid(x - s * 9, y + 5, z - 12, 5, 28, 9) || inEllipsoid(x - s * 16, y + 22, z - 2, 4, 10, 10)) {
                return CSF; // lateral ventricle body and posterior horn
            }
        }
        if (inEllipsoid(x, y + 8, z, 1.5, 12, 8)) {
            return CSF; // third ventricle
        }
        if (Math.abs(x) < 1.5 && (z > 24 || rho > 0.8)) {
            return CSF; // interhemispheric fissure
        }
        for (int s = -1; s <= 1; s += 2) {
            if (inEllipsoid(x - s * 11, y + 14, z - 4, 8, 13, 8)) {
                return 0.5f * (GM + WM); // thalamus
            }
            if (inEllipsoid(x - s * 22, y - 6, z - 4, 5, 14, 9)) {
                return GM + 8; // lentiform nucleus
            }
        }
        if (rho < 0.87 + gyri) {
            return WM;
        }
        if (rho > 0.975 || (rho > 0.8 && Math.abs(sulcus) < 0.15)) {
            return CSF; // outer CSF and sulci
        }
        return GM;
    }

    private static boolean inEllipsoid(double x, double y, double z, double a, double b, double c) {
        return sq(x / a) + sq(y / b) + sq(z / c) < 1;
    }

    private static double sq(double v) {
        return v * v;
    }
}
