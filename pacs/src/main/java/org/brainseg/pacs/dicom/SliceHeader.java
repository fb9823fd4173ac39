package org.brainseg.pacs.dicom;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import org.brainseg.schemas.ErrorCode;

/**
 * What brainseg reads of one DICOM image: identity, geometry and pixel format, parsed from
 * Orthanc's simplified tag JSON ({@code /instances/{id}/tags?simplify}, where every value is a
 * string and multiple values are joined by backslashes). Patient tags are never read here.
 *
 * @param pixelSpacing row spacing (between rows) then column spacing, in mm (PS3.3 C.7.6.2.1.1)
 * @param orientation  ImageOrientationPatient: row direction cosines then column direction cosines (LPS)
 * @param position     ImagePositionPatient: centre of the first transmitted voxel (LPS, mm)
 */
public record SliceHeader(String sopInstanceUid, String sopClassUid, String seriesInstanceUid, String frameOfReferenceUid,
        String modality, int rows, int columns, double[] pixelSpacing, double[] orientation, double[] position,
        int bitsAllocated, int bitsStored, int pixelRepresentation, int samplesPerPixel, int frames, double slope,
        double intercept) {

    /** Parses the simplified tags; anything missing or malformed is {@link ErrorCode#DICOM_UNSUPPORTED}. */
    public static SliceHeader fromTags(JsonNode t) throws DicomException {
        SliceHeader h = new SliceHeader(text(t, "SOPInstanceUID", true), text(t, "SOPClassUID", true),
                text(t, "SeriesInstanceUID", true), text(t, "FrameOfReferenceUID", false), text(t, "Modality", false),
                integer(t, "Rows", null), integer(t, "Columns", null), numbers(t, "PixelSpacing", 2),
                numbers(t, "ImageOrientationPatient", 6), numbers(t, "ImagePositionPatient", 3),
                integer(t, "BitsAllocated", null), integer(t, "BitsStored", null), integer(t, "PixelRepresentation", 0),
                integer(t, "SamplesPerPixel", 1), integer(t, "NumberOfFrames", 1), number(t, "RescaleSlope", 1),
                number(t, "RescaleIntercept", 0));
        h.check();
        return h;
    }

    private void check() throws DicomException {
        if (rows < 1 || columns < 1) {
            throw bad("Rows/Columns must be positive, got " + rows + "x" + columns);
        }
        if (samplesPerPixel != 1) {
            throw bad("SamplesPerPixel " + samplesPerPixel + ": only greyscale images are supported");
        }
        if (frames != 1) {
            throw bad("NumberOfFrames " + frames + ": multi-frame (enhanced) MR is not supported");
        }
        if (bitsAllocated != 8 && bitsAllocated != 16) {
            throw bad("BitsAllocated " + bitsAllocated + ": only 8 and 16 are supported");
        }
        if (bitsStored < 1 || bitsStored > bitsAllocated) {
            throw bad("BitsStored " + bitsStored + " with BitsAllocated " + bitsAllocated);
        }
        if (pixelRepresentation != 0 && pixelRepresentation != 1) {
            throw bad("PixelRepresentation must be 0 or 1, got " + pixelRepresentation);
        }
        if (!(pixelSpacing[0] > 0) || !(pixelSpacing[1] > 0)) {
            throw bad("PixelSpacing must be positive, got " + pixelSpacing[0] + "\\" + pixelSpacing[1]);
        }
        if (!Double.isFinite(slope) || slope == 0 || !Double.isFinite(intercept)) {
            throw bad("RescaleSlope/RescaleIntercept unusable: " + slope + ", " + intercept);
        }
        double[] r = rowCosines();
        double[] c = columnCosines();
        if (Math.abs(Vec.norm(r) - 1) > 1e-3 || Math.abs(Vec.norm(c) - 1) > 1e-3 || Math.abs(Vec.dot(r, c)) > 1e-3) {
            throw bad("ImageOrientationPatient is not two orthonormal directions: " + java.util.Arrays.toString(orientation));
        }
    }

    public double[] rowCosines() {
        return new double[] {orientation[0], orientation[1], orientation[2]};
    }

    public double[] columnCosines() {
        return new double[] {orientation[3], orientation[4], orientation[5]};
    }

    /** The unit slice normal, row × column (LPS). */
    public double[] normal() {
        return Vec.unit(Vec.cross(rowCosines(), columnCosines()));
    }

    /** Bytes of the pixel data of one frame. */
    public int frameBytes() {
        return rows * columns * (bitsAllocated / 8);
    }

    private DicomException bad(String m) {
        return new DicomException(ErrorCode.DICOM_UNSUPPORTED, "instance " + sopInstanceUid + ": " + m);
    }

    private static String text(JsonNode t, String key, boolean required) throws DicomException {
        JsonNode n = t.get(key);
        if (n == null || n.isNull() || !n.isTextual() || n.asText().isBlank()) {
            if (required) {
                throw new DicomException(ErrorCode.DICOM_UNSUPPORTED, key + " is missing");
            }
            return null;
        }
        return n.asText().trim();
    }

    private static int integer(JsonNode t, String key, Integer dflt) throws DicomException {
        String s = text(t, key, dflt == null);
        if (s == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new DicomException(ErrorCode.DICOM_UNSUPPORTED, key + " is not an integer: '" + s + "'");
        }
    }

    private static double number(JsonNode t, String key, double dflt) throws DicomException {
        String s = text(t, key, false);
        return s == null ? dflt : parse(key, s);
    }

    private static double[] numbers(JsonNode t, String key, int count) throws DicomException {
        String s = text(t, key, true);
        String[] parts = s.split("\\\\");
        if (parts.length != count) {
            throw new DicomException(ErrorCode.DICOM_UNSUPPORTED, key + " needs " + count + " values, got '" + s + "'");
        }
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = parse(key, parts[i]);
        }
        return v;
    }

    private static double parse(String key, String s) throws DicomException {
        try {
            double d = Double.parseDouble(s.trim());
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new DicomException(ErrorCode.DICOM_UNSUPPORTED, key + " is not a number: '" + s + "'");
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "SliceHeader[%s %dx%d]", sopInstanceUid, rows, columns);
    }
}
