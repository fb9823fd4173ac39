package org.brainseg.pacs.dicom;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.brainseg.imaging.Affine;
import org.brainseg.imaging.Volume;
import org.brainseg.schemas.ErrorCode;

/**
 * Turns the single-frame images of one DICOM series into a volume with the NIfTI (RAS+) affine.
 *
 * <p>Geometry, after PS3.3 C.7.6.2.1.1 and the conventions of dcm2niix and nibabel: voxel index i
 * runs along a row (the row direction cosines, spaced by PixelSpacing[1]), j down the columns
 * (column cosines, PixelSpacing[0]), k along the slice normal row × column, the slices sorted by
 * their ImagePositionPatient projected on it (so the upload order does not matter). DICOM's
 * patient space is LPS; NIfTI's is RAS, so the first two rows of the affine change sign.
 * Voxel values are {@code stored * RescaleSlope + RescaleIntercept}, as float.
 *
 * <p>Refused, with a {@link DicomException}: images that disagree on size, orientation,
 * pixel spacing or frame of reference; two images at one position (4-D or duplicated series);
 * uneven slice spacing; positions off the normal (gantry tilt); pixel data of the wrong length.
 */
public final class SeriesConverter {
    /** Orientation cosines and pixel spacings must agree to this (absolute). */
    static final double TOLERANCE = 1e-3;
    /** Slice positions may deviate from the even stack by this (mm), as written decimal strings round. */
    static final double POSITION_TOLERANCE_MM = 0.05;

    /** One image of the series: its header and the raw (uncompressed, little-endian) pixel bytes of its frame. */
    public record Slice(SliceHeader header, byte[] pixels) {}

    /**
     * The converted series.
     *
     * @param volume       voxels and RAS affine
     * @param slices       the headers in k order (slice 0 first)
     * @param sliceSpacing distance between slice centres (mm)
     */
    public record Converted(Volume volume, List<SliceHeader> slices, double sliceSpacing) {
        /** The LPS position of slice k's first voxel. */
        public double[] position(int k) {
            return slices.get(k).position();
        }
    }

    private SeriesConverter() {}

    public static Converted convert(List<Slice> input) throws DicomException {
        if (input.size() < 2) {
            throw new DicomException(ErrorCode.DICOM_UNSUPPORTED, "a series of " + input.size()
                    + " image(s) is not a volume (at least 2 slices needed)");
        }
        SliceHeader first = input.get(0).header();
        for (Slice s : input) {
            sameGrid(first, s.header());
        }
        double[] normal = first.normal();
        List<Slice> sorted = new ArrayList<>(input);
        sorted.sort(Comparator.comparingDouble(s -> Vec.dot(s.header().position(), normal)));
        int n = sorted.size();
        double d0 = Vec.dot(sorted.get(0).header().position(), normal);
        double spacing = (Vec.dot(sorted.get(n - 1).header().position(), normal) - d0) / (n - 1);
        checkStack(sorted, normal, spacing);
        return new Converted(new Volume(first.columns(), first.rows(), n, voxels(sorted), affine(first, sorted.get(0).header(),
                normal, spacing)), sorted.stream().map(Slice::header).toList(), spacing);
    }

    private static void sameGrid(SliceHeader a, SliceHeader b) throws DicomException {
        if (a.rows() != b.rows() || a.columns() != b.columns()) {
            throw mixed("image size " + a.rows() + "x" + a.columns() + " and " + b.rows() + "x" + b.columns());
        }
        if (Vec.maxAbsDiff(a.orientation(), b.orientation()) > TOLERANCE) {
            throw mixed("ImageOrientationPatient " + Arrays.toString(a.orientation()) + " and " + Arrays.toString(b.orientation()));
        }
        if (Vec.maxAbsDiff(a.pixelSpacing(), b.pixelSpacing()) > TOLERANCE) {
            throw mixed("PixelSpacing " + Arrays.toString(a.pixelSpacing()) + " and " + Arrays.toString(b.pixelSpacing()));
        }
        if (a.frameOfReferenceUid() != null && b.frameOfReferenceUid() != null
                && !a.frameOfReferenceUid().equals(b.frameOfReferenceUid())) {
            throw mixed("FrameOfReferenceUID");
        }
        if (a.bitsAllocated() != b.bitsAllocated() || a.pixelRepresentation() != b.pixelRepresentation()) {
            throw mixed("pixel format");
        }
    }

    private static DicomException mixed(String what) {
        return new DicomException(ErrorCode.DICOM_UNSUPPORTED, "the images of one series differ in " + what);
    }

    private static void checkStack(List<Slice> sorted, double[] normal, double spacing) throws DicomException {
        if (spacing < POSITION_TOLERANCE_MM) {
            throw new DicomException(ErrorCode.DICOM_UNSUPPORTED, "two or more images share one slice position"
                    + " (a 4-D or duplicated series is not supported)");
        }
        double[] p0 = sorted.get(0).header().position();
        double tol = Math.max(POSITION_TOLERANCE_MM, 0.01 * spacing);
        for (int k = 0; k < sorted.size(); k++) {
            double[] expected = new double[] {p0[0] + k * spacing * normal[0], p0[1] + k * spacing * normal[1],
                    p0[2] + k * spacing * normal[2]};
            double[] p = sorted.get(k).header().position();
            double off = Vec.norm(Vec.minus(p, expected));
            if (off > tol) {
                double along = Vec.dot(Vec.minus(p, p0), normal);
                boolean uneven = Math.abs(along - k * spacing) > tol;
                throw new DicomException(ErrorCode.DICOM_UNSUPPORTED, String.format(java.util.Locale.ROOT,
                        "slice %d of %d is %.3f mm from an even stack along the normal (%s)", k, sorted.size(), off,
                        uneven ? "uneven slice spacing or missing slices" : "positions off the slice normal: gantry tilt"));
            }
        }
    }

    private static Affine affine(SliceHeader h, SliceHeader first, double[] normal, double spacing) {
        double[] r = h.rowCosines();
        double[] c = h.columnCosines();
        double di = h.pixelSpacing()[1];
        double dj = h.pixelSpacing()[0];
        double[] p = first.position();
        double[][] lps = {
            {r[0] * di, c[0] * dj, normal[0] * spacing, p[0]},
            {r[1] * di, c[1] * dj, normal[1] * spacing, p[1]},
            {r[2] * di, c[2] * dj, normal[2] * spacing, p[2]},
            {0, 0, 0, 1}};
        for (int col = 0; col < 4; col++) {
            lps[0][col] = -lps[0][col];
            lps[1][col] = -lps[1][col];
        }
        return Affine.of(lps);
    }

    private static float[] voxels(List<Slice> sorted) throws DicomException {
        SliceHeader h0 = sorted.get(0).header();
        int plane = h0.rows() * h0.columns();
        float[] out = new float[plane * sorted.size()];
        for (int k = 0; k < sorted.size(); k++) {
            Slice s = sorted.get(k);
            SliceHeader h = s.header();
            if (s.pixels().length < h.frameBytes()) {
                throw new DicomException(ErrorCode.DICOM_UNSUPPORTED, "instance " + h.sopInstanceUid() + ": pixel data has "
                        + s.pixels().length + " bytes, " + h.frameBytes() + " expected for " + h.rows() + "x" + h.columns()
                        + " at " + h.bitsAllocated() + " bits");
            }
            decode(s.pixels(), h, out, k * plane, plane);
        }
        return out;
    }

    /** Stored values (within BitsStored, sign-extended when signed), rescaled. */
    static void decode(byte[] pixels, SliceHeader h, float[] out, int offset, int count) {
        ByteBuffer bb = ByteBuffer.wrap(pixels).order(ByteOrder.LITTLE_ENDIAN);
        int bits = h.bitsStored();
        int mask = bits >= 32 ? -1 : (1 << bits) - 1;
        boolean signed = h.pixelRepresentation() == 1;
        for (int i = 0; i < count; i++) {
            int raw = h.bitsAllocated() == 16 ? bb.getShort() & 0xFFFF : bb.get() & 0xFF;
            int v = raw & mask;
            if (signed && bits < 32 && (v & (1 << (bits - 1))) != 0) {
                v -= 1 << bits;
            }
            out[offset + i] = (float) (v * h.slope() + h.intercept());
        }
    }
}
