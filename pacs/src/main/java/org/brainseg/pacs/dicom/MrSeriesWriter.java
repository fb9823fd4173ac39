package org.brainseg.pacs.dicom;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.brainseg.imaging.Affine;
import org.brainseg.imaging.Volume;

/**
 * Writes a NIfTI volume as a DICOM MR series (MR Image Storage, one Part 10 file per slice,
 * explicit VR little endian, signed 16-bit with a rescale slope): what a scanner sends a PACS.
 * {@code brainseg demo --orthanc} streams its synthetic cohort through a PACS with it.
 *
 * <p>Voxel (i, j, k) becomes column i, row j of slice k; the NIfTI affine (RAS) gives the DICOM
 * geometry (LPS): ImageOrientationPatient from the i and j axes, ImagePositionPatient of slice k
 * from voxel (0, 0, k), PixelSpacing from the axes' lengths. The axes must be orthogonal
 * (DICOM slices cannot be sheared). Checked in PacsBridgeIT against dcm2niix and the bridge's own
 * conversion.
 */
public final class MrSeriesWriter {
    static final String MR_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.4";
    /** Stored values use at most this much of the int16 range. */
    public static final double FULL_SCALE = 30_000;

    /** The study the series belongs to; the patient fields are synthetic (never a real person's). */
    public record Study(String studyUid, String frameOfReferenceUid, String patientId, String patientName, String description) {}

    /** One series: its UID, number, SeriesDescription (what the bridge's series rules read) and a prefix for its SOP UIDs. */
    public record Series(String seriesUid, int number, String description, String sopUidPrefix) {}

    private MrSeriesWriter() {}

    /** One Part 10 file per slice, slice 0 first. */
    public static List<byte[]> write(Volume v, Study study, Series series) throws DicomException {
        Affine a = v.affine();
        double[] di = lps(a.get(0, 0), a.get(1, 0), a.get(2, 0));
        double[] dj = lps(a.get(0, 1), a.get(1, 1), a.get(2, 1));
        double[] dk = lps(a.get(0, 2), a.get(1, 2), a.get(2, 2));
        double si = Vec.norm(di);
        double sj = Vec.norm(dj);
        double sk = Vec.norm(dk);
        if (!(si > 0 && sj > 0 && sk > 0) || Math.abs(Vec.dot(di, dj)) > 1e-4 * si * sj || Math.abs(Vec.dot(di, dk)) > 1e-4 * si * sk
                || Math.abs(Vec.dot(dj, dk)) > 1e-4 * sj * sk) {
            throw new DicomException(org.brainseg.schemas.ErrorCode.DICOM_UNSUPPORTED,
                    "the volume's axes are not orthogonal (a sheared affine): not expressible as DICOM slices: " + a);
        }
        double max = 0;
        for (float f : v.data()) {
            if (!Float.isFinite(f)) {
                throw new DicomException(org.brainseg.schemas.ErrorCode.DICOM_UNSUPPORTED, "the volume holds NaN or infinite values");
            }
            max = Math.max(max, Math.abs(f));
        }
        double slope = max == 0 ? 1 : niceSlope(max / FULL_SCALE);
        double[] orientation = {di[0] / si, di[1] / si, di[2] / si, dj[0] / sj, dj[1] / sj, dj[2] / sj};
        List<byte[]> files = new ArrayList<>(v.nz());
        for (int k = 0; k < v.nz(); k++) {
            double[] p = a.apply(0, 0, k);
            DicomDataset d = new DicomDataset()
                    .text(Tags.SPECIFIC_CHARACTER_SET, "CS", "ISO_IR 192")
                    .texts(Tags.IMAGE_TYPE, "CS", List.of("ORIGINAL", "PRIMARY", "M"))
                    .text(Tags.SOP_CLASS_UID, "UI", MR_IMAGE_STORAGE)
                    .text(Tags.SOP_INSTANCE_UID, "UI", series.sopUidPrefix() + "." + (k + 1))
                    .text(Tags.STUDY_DATE, "DA", "20260101").text(Tags.STUDY_TIME, "TM", "120000")
                    .text(Tags.ACCESSION_NUMBER, "SH", "")
                    .text(Tags.MODALITY, "CS", "MR")
                    .text(Tags.MANUFACTURER, "LO", "brainseg synthetic")
                    .text(Tags.REFERRING_PHYSICIAN_NAME, "PN", "")
                    .text(Tags.STUDY_DESCRIPTION, "LO", study.description())
                    .text(Tags.SERIES_DESCRIPTION, "LO", series.description())
                    .text(Tags.PATIENT_NAME, "PN", study.patientName())
                    .text(Tags.PATIENT_ID, "LO", study.patientId())
                    .text(Tags.PATIENT_BIRTH_DATE, "DA", "")
                    .text(Tags.PATIENT_SEX, "CS", "O")
                    .text(Tags.SCANNING_SEQUENCE, "CS", "RM")
                    .text(Tags.SEQUENCE_VARIANT, "CS", "NONE")
                    .text(Tags.MR_ACQUISITION_TYPE, "CS", "3D")
                    .decimals(Tags.SLICE_THICKNESS, sk)
                    .decimals(Tags.SPACING_BETWEEN_SLICES, sk)
                    .text(Tags.PROTOCOL_NAME, "LO", series.description())
                    .text(Tags.STUDY_INSTANCE_UID, "UI", study.studyUid())
                    .text(Tags.SERIES_INSTANCE_UID, "UI", series.seriesUid())
                    .text(Tags.STUDY_ID, "SH", "1")
                    .text(Tags.SERIES_NUMBER, "IS", Integer.toString(series.number()))
                    .text(Tags.INSTANCE_NUMBER, "IS", Integer.toString(k + 1))
                    .decimals(Tags.IMAGE_POSITION_PATIENT, -p[0], -p[1], p[2])
                    .decimals(Tags.IMAGE_ORIENTATION_PATIENT, orientation)
                    .text(Tags.FRAME_OF_REFERENCE_UID, "UI", study.frameOfReferenceUid())
                    .text(Tags.POSITION_REFERENCE_INDICATOR, "LO", "")
                    .us(Tags.SAMPLES_PER_PIXEL, 1)
                    .text(Tags.PHOTOMETRIC_INTERPRETATION, "CS", "MONOCHROME2")
                    .us(Tags.ROWS, v.ny()).us(Tags.COLUMNS, v.nx())
                    .decimals(Tags.PIXEL_SPACING, sj, si)
                    .us(Tags.BITS_ALLOCATED, 16).us(Tags.BITS_STORED, 16).us(Tags.HIGH_BIT, 15).us(Tags.PIXEL_REPRESENTATION, 1)
                    .decimals(Tags.RESCALE_INTERCEPT, 0)
                    .decimals(Tags.RESCALE_SLOPE, slope)
                    .bytes(Tags.PIXEL_DATA, "OW", pixels(v, k, slope));
            files.add(Part10.encode(d));
        }
        return files;
    }

    /** Slice k, row by row (j), column by column (i): round(value / slope) as little-endian int16. */
    static byte[] pixels(Volume v, int k, double slope) {
        ByteBuffer bb = ByteBuffer.allocate(2 * v.nx() * v.ny()).order(ByteOrder.LITTLE_ENDIAN);
        for (int j = 0; j < v.ny(); j++) {
            for (int i = 0; i < v.nx(); i++) {
                long s = Math.round(v.get(i, j, k) / slope);
                bb.putShort((short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, s)));
            }
        }
        return bb.array();
    }

    /** The slope as a DS writes it (6 significant digits fit its 16 characters): the value the reader multiplies by. */
    static double niceSlope(double raw) {
        return Double.parseDouble(String.format(Locale.ROOT, "%.6g", raw));
    }

    private static double[] lps(double r, double a, double s) {
        return new double[] {-r, -a, s};
    }
}
