package org.brainseg.pacs.dicom;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Test series as Orthanc would give them: simplified tag JSON and raw little-endian frames,
 * slice k of a stack at {@code origin + k * spacing * (row x column)}.
 */
final class Slices {
    static final ObjectMapper JSON = new ObjectMapper();

    double[] orientation = {1, 0, 0, 0, 1, 0};
    double[] origin = {0, 0, 0};
    double[] pixelSpacing = {1, 1};
    double spacing = 1;
    int rows = 3;
    int columns = 4;
    int slices = 5;
    double slope = 1;
    double intercept = 0;
    int bitsStored = 16;
    int pixelRepresentation = 1;

    /** Stored value of (row j, column i, slice k). */
    static short stored(int i, int j, int k) {
        return (short) (i + 10 * j + 100 * k - 7);
    }

    double[] position(int k) {
        double[] n = Vec.cross(new double[] {orientation[0], orientation[1], orientation[2]},
                new double[] {orientation[3], orientation[4], orientation[5]});
        return new double[] {origin[0] + k * spacing * n[0], origin[1] + k * spacing * n[1], origin[2] + k * spacing * n[2]};
    }

    ObjectNode tags(int k) {
        ObjectNode t = JSON.createObjectNode();
        t.put("SOPInstanceUID", "1.2.3." + (k + 1));
        t.put("SOPClassUID", "1.2.840.10008.5.1.4.1.1.4");
        t.put("SeriesInstanceUID", "1.2.3");
        t.put("FrameOfReferenceUID", "1.2.9");
        t.put("Modality", "MR");
        t.put("Rows", Integer.toString(rows));
        t.put("Columns", Integer.toString(columns));
        t.put("PixelSpacing", join(pixelSpacing));
        t.put("ImageOrientationPatient", join(orientation));
        t.put("ImagePositionPatient", join(position(k)));
        t.put("BitsAllocated", "16");
        t.put("BitsStored", Integer.toString(bitsStored));
        t.put("PixelRepresentation", Integer.toString(pixelRepresentation));
        t.put("SamplesPerPixel", "1");
        t.put("RescaleSlope", Double.toString(slope));
        t.put("RescaleIntercept", Double.toString(intercept));
        return t;
    }

    byte[] pixels(int k) {
        ByteBuffer b = ByteBuffer.allocate(rows * columns * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int j = 0; j < rows; j++) {
            for (int i = 0; i < columns; i++) {
                b.putShort(stored(i, j, k));
            }
        }
        return b.array();
    }

    SeriesConverter.Slice slice(int k) throws DicomException {
        return new SeriesConverter.Slice(SliceHeader.fromTags(tags(k)), pixels(k));
    }

    /** The slices in the given order of k. */
    List<SeriesConverter.Slice> inOrder(int... ks) throws DicomException {
        List<SeriesConverter.Slice> out = new ArrayList<>();
        for (int k : ks) {
            out.add(slice(k));
        }
        return out;
    }

    List<SeriesConverter.Slice> all() throws DicomException {
        List<SeriesConverter.Slice> out = new ArrayList<>();
        for (int k = 0; k < slices; k++) {
            out.add(slice(k));
        }
        return out;
    }

    static String join(double[] v) {
        StringBuilder s = new StringBuilder();
        for (double x : v) {
            if (s.length() > 0) {
                s.append('\\');
            }
            s.append(String.format(Locale.ROOT, "%.10g", x));
        }
        return s.toString();
    }

    /** Rotation of (1,0,0),(0,1,0) by {@code a} about x then {@code b} about z: an oblique orientation. */
    static double[] oblique(double a, double b) {
        double[] r = {Math.cos(b), Math.sin(b), 0};
        double[] c = {-Math.sin(b) * Math.cos(a), Math.cos(b) * Math.cos(a), Math.sin(a)};
        return new double[] {r[0], r[1], r[2], c[0], c[1], c[2]};
    }
}
