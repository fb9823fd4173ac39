package org.brainseg.imaging;

import java.util.Arrays;
import java.util.Objects;

/**
 * A 3-D scalar volume: float voxels with i (x) fastest, as NIfTI stores them, and the
 * voxel-to-world affine. Voxel values are scaled (NIfTI {@code scl_slope}/{@code scl_inter} applied).
 *
 * <p>The array is shared, not copied: a volume is cheap to wrap and callers that need
 * isolation use {@link #copy()}.
 */
public final class Volume {
    private final int nx;
    private final int ny;
    private final int nz;
    private final float[] data;
    private final Affine affine;

    public Volume(int nx, int ny, int nz, float[] data, Affine affine) {
        if (nx < 1 || ny < 1 || nz < 1) {
            throw new IllegalArgumentException("shape must be positive: " + nx + "x" + ny + "x" + nz);
        }
        if ((long) nx * ny * nz != data.length) {
            throw new IllegalArgumentException(
                    "shape " + nx + "x" + ny + "x" + nz + " does not match " + data.length + " voxels");
        }
        this.nx = nx;
        this.ny = ny;
        this.nz = nz;
        this.data = data;
        this.affine = Objects.requireNonNull(affine, "affine");
    }

    /** An all-zero volume on the same grid as {@code like}. */
    public static Volume zerosLike(Volume like) {
        return new Volume(like.nx, like.ny, like.nz, new float[like.data.length], like.affine);
    }

    public int nx() {
        return nx;
    }

    public int ny() {
        return ny;
    }

    public int nz() {
        return nz;
    }

    public int[] shape() {
        return new int[] {nx, ny, nz};
    }

    public int size() {
        return data.length;
    }

    /** The voxel array itself (not a copy), i fastest. */
    public float[] data() {
        return data;
    }

    public Affine affine() {
        return affine;
    }

    public double[] spacing() {
        return affine.spacing();
    }

    /** Volume of one voxel in millilitres (the affine is in mm). */
    public double voxelMl() {
        double[] s = spacing();
        return s[0] * s[1] * s[2] / 1000.0;
    }

    public int index(int i, int j, int k) {
        return i + nx * (j + ny * k);
    }

    public float get(int i, int j, int k) {
        return data[index(i, j, k)];
    }

    public void set(int i, int j, int k, float v) {
        data[index(i, j, k)] = v;
    }

    public boolean sameShape(Volume other) {
        return nx == other.nx && ny == other.ny && nz == other.nz;
    }

    public Volume copy() {
        return new Volume(nx, ny, nz, data.clone(), affine);
    }

    public Volume withData(float[] newData) {
        return new Volume(nx, ny, nz, newData, affine);
    }

    @Override
    public String toString() {
        return "Volume" + Arrays.toString(shape()) + " spacing " + Arrays.toString(spacing());
    }
}
