package org.brainseg.viewer.render;

import org.brainseg.imaging.Volume;

/**
 * The compact forms volumes travel to the browser in, never as files: intensities as unsigned
 * 16-bit little-endian steps between the volume's minimum and maximum (2 bytes a voxel; the page
 * turns a step back into a value to within 1/65535 of the range), masks as one byte of internal
 * label per voxel. Voxel order is NIfTI's: i fastest, then j, then k.
 */
public final class VolumeEncoding {
    private VolumeEncoding() {}

    /** Minimum and maximum finite value ({0, 0} when there is none). */
    public static float[] range(Volume v) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float f : v.data()) {
            if (Float.isFinite(f)) {
                min = Math.min(min, f);
                max = Math.max(max, f);
            }
        }
        return min > max ? new float[] {0, 0} : new float[] {min, max};
    }

    public static byte[] intensities(Volume v) {
        float[] r = range(v);
        double scale = r[1] > r[0] ? 65535.0 / (r[1] - r[0]) : 0;
        float[] d = v.data();
        byte[] out = new byte[d.length * 2];
        for (int i = 0; i < d.length; i++) {
            float f = Float.isFinite(d[i]) ? d[i] : r[0];
            int q = (int) Math.round((f - r[0]) * scale);
            out[2 * i] = (byte) q;
            out[2 * i + 1] = (byte) (q >>> 8);
        }
        return out;
    }

    public static byte[] labels(Volume mask) {
        float[] d = mask.data();
        byte[] out = new byte[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = (byte) d[i];
        }
        return out;
    }
}
