package org.brainseg.synthetic;

/**
 * An axis-aligned sub-block of the output grid: tumour work happens only here, which keeps
 * the per-case cost proportional to the tumour, not to the 9-million-voxel grid.
 */
record Box(int i0, int j0, int k0, int nx, int ny, int nz) {
    int size() {
        return nx * ny * nz;
    }

    int[] shape() {
        return new int[] {nx, ny, nz};
    }

    boolean contains(int i, int j, int k) {
        return i >= i0 && j >= j0 && k >= k0 && i < i0 + nx && j < j0 + ny && k < k0 + nz;
    }

    /** Box index of grid voxel (i, j, k), which must be inside. */
    int index(int i, int j, int k) {
        return (i - i0) + nx * ((j - j0) + ny * (k - k0));
    }
}
