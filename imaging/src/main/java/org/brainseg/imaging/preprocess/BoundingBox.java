package org.brainseg.imaging.preprocess;

/**
 * A box of voxels [x0, x1) × [y0, y1) × [z0, z1) on a grid.
 */
public record BoundingBox(int x0, int y0, int z0, int x1, int y1, int z1) {
    public BoundingBox {
        if (x0 < 0 || y0 < 0 || z0 < 0 || x1 <= x0 || y1 <= y0 || z1 <= z0) {
            throw new IllegalArgumentException("empty or negative box [" + x0 + "," + x1 + ")x[" + y0 + "," + y1
                    + ")x[" + z0 + "," + z1 + ")");
        }
    }

    /** The whole grid. */
    public static BoundingBox full(int nx, int ny, int nz) {
        return new BoundingBox(0, 0, 0, nx, ny, nz);
    }

    public int nx() {
        return x1 - x0;
    }

    public int ny() {
        return y1 - y0;
    }

    public int nz() {
        return z1 - z0;
    }

    public int[] shape() {
        return new int[] {nx(), ny(), nz()};
    }
}
