package org.brainseg.synthetic;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Per-case spatial transform from the output grid to the anatomy: tumour mass effect, then a
 * global scaling and small rotation, plus a smooth random displacement field. All coordinates
 * are mm relative to the grid centre (output) and brain centre (anatomy).
 *
 * <p>Mass effect inserts a ball of new volume of radius {@code massRadius} at each lesion:
 * a point at distance r came from distance cbrt(r^3 - R^3), which conserves the surrounding
 * tissue's volume and fades as 1/r^2, like an expanding mass pushing the brain aside.
 */
final class Warp {
    /** Displacement field correlation length and amplitude in mm. */
    static final double DISPLACEMENT_CELL_MM = 40;
    static final float DISPLACEMENT_MM = 3f;

    private final double[] m; // anatomy = m * output
    private final SmoothField[] displacement;
    private final List<Lesion> lesions;

    private Warp(double[] m, SmoothField[] displacement, List<Lesion> lesions) {
        this.m = m;
        this.displacement = displacement;
        this.lesions = List.copyOf(lesions);
    }

    Warp(SplittableRandom rng, int[] shape, double spacing, List<Lesion> lesions) {
        this.lesions = List.copyOf(lesions);
        this.m = new double[9];
        this.displacement = new SmoothField[3];
        double scale = 0.93 + 0.11 * rng.nextDouble();
        double[] axes = new double[3];
        for (int a = 0; a < 3; a++) {
            axes[a] = scale * (0.97 + 0.06 * rng.nextDouble());
        }
        double rx = Math.toRadians(8 * (rng.nextDouble() - 0.5));
        double ry = Math.toRadians(8 * (rng.nextDouble() - 0.5));
        double rz = Math.toRadians(12 * (rng.nextDouble() - 0.5));
        double[] r = multiply(rotZ(rz), multiply(rotY(ry), rotX(rx)));
        // The output shows a brain scaled by `axes`, so the anatomy is sampled at output / axes.
        for (int row = 0; row < 3; row++) {
            for (int c = 0; c < 3; c++) {
                m[3 * row + c] = r[3 * row + c] / axes[c];
            }
        }
        for (int a = 0; a < 3; a++) {
            displacement[a] = new SmoothField(rng, shape, spacing, DISPLACEMENT_CELL_MM);
        }
    }

    /** The same warp with mass effect from these lesions. */
    Warp withLesions(List<Lesion> newLesions) {
        return new Warp(m, displacement, newLesions);
    }

    /** Displacement slices for z-slice k: three arrays of nx * ny, in mm. */
    void displacementSlice(int k, float[] dx, float[] dy, float[] dz) {
        displacement[0].slice(k, DISPLACEMENT_MM, dx);
        displacement[1].slice(k, DISPLACEMENT_MM, dy);
        displacement[2].slice(k, DISPLACEMENT_MM, dz);
    }

    /** Anatomy point for output point p, without the smooth displacement (which the caller adds). */
    void toAnatomy(double x, double y, double z, double[] out) {
        for (Lesion l : lesions) {
            double ex = x - l.centre()[0];
            double ey = y - l.centre()[1];
            double ez = z - l.centre()[2];
            double r2 = ex * ex + ey * ey + ez * ez;
            double rm = l.massRadius();
            if (rm > 0 && r2 < 36 * rm * rm) {
                double r = Math.sqrt(r2);
                double src = Math.cbrt(Math.max(0, r * r2 - rm * rm * rm));
                double f = r > 1e-9 ? src / r : 0;
                x = l.centre()[0] + ex * f;
                y = l.centre()[1] + ey * f;
                z = l.centre()[2] + ez * f;
            }
        }
        out[0] = m[0] * x + m[1] * y + m[2] * z;
        out[1] = m[3] * x + m[4] * y + m[5] * z;
        out[2] = m[6] * x + m[7] * y + m[8] * z;
    }

    /** Anatomy point of an output point ignoring mass effect and displacement (for placing lesions). */
    void linear(double x, double y, double z, double[] out) {
        out[0] = m[0] * x + m[1] * y + m[2] * z;
        out[1] = m[3] * x + m[4] * y + m[5] * z;
        out[2] = m[6] * x + m[7] * y + m[8] * z;
    }

    private static double[] rotX(double a) {
        double c = Math.cos(a);
        double s = Math.sin(a);
        return new double[] {1, 0, 0, 0, c, -s, 0, s, c};
    }

    private static double[] rotY(double a) {
        double c = Math.cos(a);
        double s = Math.sin(a);
        return new double[] {c, 0, s, 0, 1, 0, -s, 0, c};
    }

    private static double[] rotZ(double a) {
        double c = Math.cos(a);
        double s = Math.sin(a);
        return new double[] {c, -s, 0, s, c, 0, 0, 0, 1};
    }

    private static double[] multiply(double[] a, double[] b) {
        double[] o = new double[9];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                o[3 * r + c] = a[3 * r] * b[c] + a[3 * r + 1] * b[3 + c] + a[3 * r + 2] * b[6 + c];
            }
        }
        return o;
    }
}
