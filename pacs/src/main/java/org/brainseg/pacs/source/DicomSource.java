package org.brainseg.pacs.source;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.brainseg.pacs.dicom.DicomException;
import org.brainseg.pacs.orthanc.PacsException;
import org.brainseg.pacs.rules.SeriesInfo;

/**
 * Where the bridge reads studies from and stores its SEG: Orthanc's own REST API
 * ({@link OrthancRestSource}) or DICOMweb (QIDO-RS, WADO-RS, STOW-RS: {@link org.brainseg.pacs.dicomweb.DicomWebSource}).
 * Studies are named by the feed's id (Orthanc's study id).
 */
public interface DicomSource {
    /** One image of a series: a handle for its frame, and its tags in Orthanc's simplified form (keyword → string). */
    record Image(String handle, JsonNode tags) {}

    /** The series of a study. */
    List<SeriesInfo> seriesOf(String study) throws PacsException;

    /** The images of a series, with their tags (no pixels yet). */
    List<Image> images(SeriesInfo series) throws PacsException;

    /**
     * The pixel data of the image's (only) frame, uncompressed little endian.
     *
     * @throws DicomException DICOM_UNSUPPORTED when the image is stored in a syntax that cannot be given so
     */
    byte[] frame(Image image) throws PacsException, DicomException;

    /**
     * The patient and study tags a derived object of the study must repeat, in Orthanc's
     * {@code /studies/{id}} shape ({@code PatientMainDicomTags}, {@code MainDicomTags}).
     */
    JsonNode studyTags(String study) throws PacsException;

    /** Stores a DICOM file; returns what the PACS said (Success, AlreadyStored, Stored). */
    String store(byte[] dicomFile) throws PacsException;

    /** Which protocol, for logs. */
    String protocol();
}
