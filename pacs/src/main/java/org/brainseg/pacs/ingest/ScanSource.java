package org.brainseg.pacs.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.brainseg.imaging.io.JsonMappers;

/**
 * Where a PACS scan came from, kept beside its NIfTI files ({@value #FILE}) for the results step:
 * the Orthanc study, the series taken per modality, and the reference series' (T1ce) identity
 * and geometry per slice, which the DICOM SEG must repeat. DICOM UIDs and Orthanc ids only:
 * nothing about the patient.
 *
 * @param orthancStudy      Orthanc's id of the study
 * @param series            Orthanc's series id per modality key
 * @param studyInstanceUid  the study's StudyInstanceUID
 * @param reference         the series the SEG is derived from, slice by slice in NIfTI k order
 */
public record ScanSource(String orthancStudy, Map<String, String> series, String studyInstanceUid, Reference reference) {
    public static final String FILE = "pacs-source.json";
    private static final ObjectMapper JSON = JsonMappers.indented();

    /**
     * @param seriesInstanceUid   SeriesInstanceUID of the reference series
     * @param modalityKey         which modality it is (t1ce)
     * @param frameOfReferenceUid its FrameOfReferenceUID (the SEG's)
     * @param sopClassUid         the SOP class of its images
     * @param sopInstanceUids     the SOPInstanceUID of slice k
     * @param positions           ImagePositionPatient of slice k (LPS)
     * @param orientation         ImageOrientationPatient
     * @param pixelSpacing        PixelSpacing (row, column)
     * @param sliceSpacing        distance between slices (mm)
     * @param rows                Rows
     * @param columns             Columns
     */
    public record Reference(String seriesInstanceUid, String modalityKey, String frameOfReferenceUid, String sopClassUid,
            List<String> sopInstanceUids, List<double[]> positions, double[] orientation, double[] pixelSpacing,
            double sliceSpacing, int rows, int columns) {}

    public static ScanSource read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), ScanSource.class);
    }

    public byte[] toJson() throws IOException {
        return JSON.writeValueAsBytes(this);
    }
}
