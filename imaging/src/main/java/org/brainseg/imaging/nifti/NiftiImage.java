package org.brainseg.imaging.nifti;

import org.brainseg.imaging.Affine;
import org.brainseg.imaging.Volume;

/**
 * A decoded NIfTI image: its header and all voxels as scaled float32, i fastest, then j, k, t.
 */
public record NiftiImage(NiftiHeader header, float[] data) {

    public Affine affine() {
        return header.affine();
    }

    public boolean is4d() {
        return header.timepoints() > 1;
    }

    /** Voxels per 3-D volume. */
    public int volumeSize() {
        return header.size(0) * header.size(1) * header.size(2);
    }

    /** The image as one 3-D volume; a 4-D image with several volumes is refused. */
    public Volume volume() {
        if (is4d()) {
            throw new IllegalStateException("image is 4-D with " + header.timepoints() + " volumes; pick a channel");
        }
        return new Volume(header.size(0), header.size(1), header.size(2), data, affine());
    }

    /** Volume {@code t} of a 4-D image (a copy of that slab). */
    public Volume channel(int t) {
        if (t < 0 || t >= header.timepoints()) {
            throw new IndexOutOfBoundsException("channel " + t + " of " + header.timepoints());
        }
        int n = volumeSize();
        float[] slab = new float[n];
        System.arraycopy(data, t * n, slab, 0, n);
        return new Volume(header.size(0), header.size(1), header.size(2), slab, affine());
    }
}
