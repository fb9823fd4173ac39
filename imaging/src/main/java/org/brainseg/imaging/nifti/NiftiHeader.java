package org.brainseg.imaging.nifti;

import java.nio.ByteOrder;
import java.util.Arrays;
import org.brainseg.imaging.Affine;

/**
 * The fields of a NIfTI-1 or NIfTI-2 header that brainseg uses. Values are widened to the
 * NIfTI-2 types (long dims, double floats) so both versions share one representation.
 *
 * @param version 1 or 2
 * @param byteOrder byte order of the file
 * @param dim the image sizes, {@code dim[0]} of them (1 to 4 after validation)
 * @param datatype voxel type
 * @param pixdim all eight pixdim values; {@code pixdim[0]} is qfac
 * @param voxOffset byte offset of the voxel data
 * @param sclSlope raw scl_slope (0 or non-finite means unscaled, as nibabel)
 * @param sclInter raw scl_inter
 * @param qformCode qform_code
 * @param sformCode sform_code
 * @param quatern quatern_b, quatern_c, quatern_d
 * @param qoffset qoffset_x, qoffset_y, qoffset_z
 * @param srow srow_x, srow_y, srow_z (3 rows of 4)
 * @param xyztUnits xyzt_units
 * @param descrip the free-text description (never logged: it may hold patient data)
 */
public record NiftiHeader(
        int version,
        ByteOrder byteOrder,
        long[] dim,
        NiftiDataType datatype,
        double[] pixdim,
        long voxOffset,
        double sclSlope,
        double sclInter,
        int qformCode,
        int sformCode,
        double[] quatern,
        double[] qoffset,
        double[][] srow,
        int xyztUnits,
        String descrip) {

    /** NIfTI xyzt_units for millimetres and seconds. */
    public static final int UNITS_MM_SEC = 2 | 8;

    /** Number of voxels in the whole image (all dims multiplied). */
    public long voxelCount() {
        long n = 1;
        for (long d : dim) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Size along axis {@code a} (0-based), 1 beyond the image's dimensionality. */
    public int size(int a) {
        return a < dim.length ? (int) dim[a] : 1;
    }

    /** Number of volumes along the 4th axis (1 for a 3-D image). */
    public int timepoints() {
        return size(3);
    }

    /** The scale factor applied to stored values, as nibabel decides it. */
    public double effectiveSlope() {
        return sclSlope == 0 || !Double.isFinite(sclSlope) ? 1.0 : sclSlope;
    }

    public double effectiveInter() {
        return sclSlope == 0 || !Double.isFinite(sclSlope) || !Double.isFinite(sclInter) ? 0.0 : sclInter;
    }

    public boolean isScaled() {
        return effectiveSlope() != 1.0 || effectiveInter() != 0.0;
    }

    /** Voxel sizes of the three spatial axes from pixdim. */
    public double[] zooms() {
        return new double[] {pixdim[1], pixdim[2], pixdim[3]};
    }

    /** The voxel-to-world affine nibabel would report: sform if set, else qform, else from pixdim. */
    public Affine affine() {
        if (sformCode != 0) {
            return sformAffine();
        }
        if (qformCode != 0) {
            return qformAffine();
        }
        return baseAffine();
    }

    public Affine sformAffine() {
        return Affine.fromRows(srow[0], srow[1], srow[2]);
    }

    /** The qform: rotation from the quaternion, voxel sizes from pixdim, qfac flipping k. */
    public Affine qformAffine() {
        double b = quatern[0];
        double c = quatern[1];
        double d = quatern[2];
        double a2 = 1.0 - (b * b + c * c + d * d);
        double a = a2 < 0 ? 0 : Math.sqrt(a2);
        double[][] r = Quaternions.toRotation(a, b, c, d);
        double qfac = pixdim[0] == -1 ? -1 : 1;
        double[] zoom = {pixdim[1], pixdim[2], pixdim[3] * qfac};
        double[][] rows = new double[4][4];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                rows[i][j] = r[i][j] * zoom[j];
            }
            rows[i][3] = qoffset[i];
        }
        rows[3][3] = 1;
        return Affine.of(rows);
    }

    /** Analyze-style affine from pixdim, centred, x flipped (nibabel's {@code get_base_affine}). */
    public Affine baseAffine() {
        double[] z = zooms();
        double[][] rows = new double[4][4];
        double[] zoom = {-z[0], z[1], z[2]};
        for (int i = 0; i < 3; i++) {
            double origin = (size(i) - 1) / 2.0;
            rows[i][i] = zoom[i];
            rows[i][3] = -origin * zoom[i];
        }
        rows[3][3] = 1;
        return Affine.of(rows);
    }

    @Override
    public String toString() {
        return "NiftiHeader[v" + version + " " + Arrays.toString(dim) + " " + datatype.label() + "]";
    }
}
