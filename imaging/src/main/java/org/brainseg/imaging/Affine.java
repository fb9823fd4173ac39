package org.brainseg.imaging;

import java.util.Arrays;

/**
 * An immutable 4x4 voxel-to-world transform (RAS+ millimetres, as nibabel's {@code img.affine}).
 *
 * <p>Voxel indices are (i, j, k) with i fastest in memory, as NIfTI stores them.
 */
public final class Affine {
    private final double[] m; // row-major 4x4

    private Affine(double[] m) {
        this.m = m;
    }

    /** The 4x4 matrix, row-major; the last row must be (0, 0, 0, 1). */
    public static Affine of(double[][] rows) {
        if (rows.length != 4) {
            throw new IllegalArgumentException("affine needs 4 rows, got " + rows.length);
        }
        double[] m = new double[16];
        for (int r = 0; r < 4; r++) {
            if (rows[r].length != 4) {
                throw new IllegalArgumentException("affine row " + r + " needs 4 columns");
            }
            System.arraycopy(rows[r], 0, m, 4 * r, 4);
        }
        return new Affine(m);
    }

    /** From the three srow vectors of a NIfTI header. */
    public static Affine fromRows(double[] x, double[] y, double[] z) {
        return of(new double[][] {x, y, z, {0, 0, 0, 1}});
    }

    public static Affine identity() {
        return scaling(1, 1, 1);
    }

    /** Axis-aligned voxel sizes with the origin at voxel (0, 0, 0). */
    public static Affine scaling(double sx, double sy, double sz) {
        return of(new double[][] {{sx, 0, 0, 0}, {0, sy, 0, 0}, {0, 0, sz, 0}, {0, 0, 0, 1}});
    }

    public double get(int row, int col) {
        return m[4 * row + col];
    }

    /** A copy of the matrix as rows. */
    public double[][] rows() {
        double[][] r = new double[4][4];
        for (int i = 0; i < 4; i++) {
            System.arraycopy(m, 4 * i, r[i], 0, 4);
        }
        return r;
    }

    /** Voxel sizes: the length of each of the first three columns. */
    public double[] spacing() {
        double[] s = new double[3];
        for (int c = 0; c < 3; c++) {
            s[c] = Math.sqrt(get(0, c) * get(0, c) + get(1, c) * get(1, c) + get(2, c) * get(2, c));
        }
        return s;
    }

    /** World coordinates of a (possibly fractional) voxel position. */
    public double[] apply(double i, double j, double k) {
        double[] w = new double[3];
        for (int r = 0; r < 3; r++) {
            w[r] = get(r, 0) * i + get(r, 1) * j + get(r, 2) * k + get(r, 3);
        }
        return w;
    }

    public Affine multiply(Affine other) {
        double[] out = new double[16];
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 4; c++) {
                double s = 0;
                for (int k = 0; k < 4; k++) {
                    s += m[4 * r + k] * other.m[4 * k + c];
                }
                out[4 * r + c] = s;
            }
        }
        return new Affine(out);
    }

    /** This affine after a voxel-space shift: voxel v of the result is voxel v + offset here. */
    public Affine translateVoxels(double di, double dj, double dk) {
        return multiply(of(new double[][] {{1, 0, 0, di}, {0, 1, 0, dj}, {0, 0, 1, dk}, {0, 0, 0, 1}}));
    }

    public boolean isFinite() {
        for (double v : m) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /** Largest absolute difference between corresponding elements. */
    public double maxAbsDifference(Affine other) {
        double d = 0;
        for (int i = 0; i < 16; i++) {
            d = Math.max(d, Math.abs(m[i] - other.m[i]));
        }
        return d;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Affine a && Arrays.equals(m, a.m);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(m);
    }

    @Override
    public String toString() {
        return Arrays.deepToString(rows());
    }
}
