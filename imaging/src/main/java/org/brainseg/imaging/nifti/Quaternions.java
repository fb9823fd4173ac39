package org.brainseg.imaging.nifti;

/** Conversions between unit quaternions and rotation matrices as the NIfTI-1 standard defines them. */
final class Quaternions {
    private Quaternions() {}

    /** Rotation matrix of the quaternion (a, b, c, d); normalised first, identity if degenerate. */
    static double[][] toRotation(double a, double b, double c, double d) {
        double n = a * a + b * b + c * c + d * d;
        if (n < 1e-12) {
            return new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        }
        double s = 2.0 / n;
        double x = b;
        double y = c;
        double z = d;
        double w = a;
        double xs = x * s, ys = y * s, zs = z * s;
        double wx = w * xs, wy = w * ys, wz = w * zs;
        double xx = x * xs, xy = x * ys, xz = x * zs;
        double yy = y * ys, yz = y * zs, zz = z * zs;
        return new double[][] {
            {1.0 - (yy + zz), xy - wz, xz + wy},
            {xy + wz, 1.0 - (xx + zz), yz - wx},
            {xz - wy, yz + wx, 1.0 - (xx + yy)}
        };
    }

    /**
     * Quaternion (b, c, d), qfac and voxel sizes of the rotation-and-scale part of an affine,
     * following nifti_mat44_to_quatern: columns are normalised, an improper matrix flips the
     * third column and sets qfac = -1, and the rotation is orthogonalised by its polar factor.
     *
     * @return {b, c, d, qfac, dx, dy, dz}
     */
    static double[] fromMatrix(double[][] m) {
        double[] dx = column(m, 0);
        double[] dy = column(m, 1);
        double[] dz = column(m, 2);
        double[] zooms = {norm(dx), norm(dy), norm(dz)};
        double[][] r = new double[3][3];
        for (int i = 0; i < 3; i++) {
            r[i][0] = zooms[0] == 0 ? (i == 0 ? 1 : 0) : m[i][0] / zooms[0];
            r[i][1] = zooms[1] == 0 ? (i == 1 ? 1 : 0) : m[i][1] / zooms[1];
            r[i][2] = zooms[2] == 0 ? (i == 2 ? 1 : 0) : m[i][2] / zooms[2];
        }
        r = orthogonalise(r);
        double det = det(r);
        double qfac = 1;
        if (det < 0) {
            qfac = -1;
            for (int i = 0; i < 3; i++) {
                r[i][2] = -r[i][2];
            }
        }
        double a = r[0][0] + r[1][1] + r[2][2] + 1.0;
        double b, c, d;
        if (a > 0.5) {
            a = 0.5 * Math.sqrt(a);
            b = 0.25 * (r[2][1] - r[1][2]) / a;
            c = 0.25 * (r[0][2] - r[2][0]) / a;
            d = 0.25 * (r[1][0] - r[0][1]) / a;
        } else {
            double xd = 1.0 + r[0][0] - (r[1][1] + r[2][2]);
            double yd = 1.0 + r[1][1] - (r[0][0] + r[2][2]);
            double zd = 1.0 + r[2][2] - (r[0][0] + r[1][1]);
            if (xd > 1.0) {
                b = 0.5 * Math.sqrt(xd);
                c = 0.25 * (r[0][1] + r[1][0]) / b;
                d = 0.25 * (r[0][2] + r[2][0]) / b;
                a = 0.25 * (r[2][1] - r[1][2]) / b;
            } else if (yd > 1.0) {
                c = 0.5 * Math.sqrt(yd);
                b = 0.25 * (r[0][1] + r[1][0]) / c;
                d = 0.25 * (r[1][2] + r[2][1]) / c;
                a = 0.25 * (r[0][2] - r[2][0]) / c;
            } else {
                d = 0.5 * Math.sqrt(zd);
                b = 0.25 * (r[0][2] + r[2][0]) / d;
                c = 0.25 * (r[1][2] + r[2][1]) / d;
                a = 0.25 * (r[1][0] - r[0][1]) / d;
            }
            if (a < 0.0) {
                b = -b;
                c = -c;
                d = -d;
            }
        }
        return new double[] {b, c, d, qfac, zooms[0], zooms[1], zooms[2]};
    }

    private static double[] column(double[][] m, int c) {
        return new double[] {m[0][c], m[1][c], m[2][c]};
    }

    private static double norm(double[] v) {
        return Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    }

    private static double det(double[][] r) {
        return r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1])
                - r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0])
                + r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0]);
    }

    /** Nearest orthogonal matrix by a few Newton steps of the polar decomposition R = (R + R^-T) / 2. */
    private static double[][] orthogonalise(double[][] r) {
        double[][] x = r;
        for (int it = 0; it < 30; it++) {
            double[][] inv = inverse(x);
            if (inv == null) {
                return r;
            }
            double[][] next = new double[3][3];
            double delta = 0;
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    next[i][j] = 0.5 * (x[i][j] + inv[j][i]);
                    delta = Math.max(delta, Math.abs(next[i][j] - x[i][j]));
                }
            }
            x = next;
            if (delta < 1e-15) {
                break;
            }
        }
        return x;
    }

    private static double[][] inverse(double[][] m) {
        double d = det(m);
        if (Math.abs(d) < 1e-300) {
            return null;
        }
        double[][] inv = new double[3][3];
        inv[0][0] = (m[1][1] * m[2][2] - m[1][2] * m[2][1]) / d;
        inv[0][1] = (m[0][2] * m[2][1] - m[0][1] * m[2][2]) / d;
        inv[0][2] = (m[0][1] * m[1][2] - m[0][2] * m[1][1]) / d;
        inv[1][0] = (m[1][2] * m[2][0] - m[1][0] * m[2][2]) / d;
        inv[1][1] = (m[0][0] * m[2][2] - m[0][2] * m[2][0]) / d;
        inv[1][2] = (m[0][2] * m[1][0] - m[0][0] * m[1][2]) / d;
        inv[2][0] = (m[1][0] * m[2][1] - m[1][1] * m[2][0]) / d;
        inv[2][1] = (m[0][1] * m[2][0] - m[0][0] * m[2][1]) / d;
        inv[2][2] = (m[0][0] * m[1][1] - m[0][1] * m[1][0]) / d;
        return inv;
    }
}
