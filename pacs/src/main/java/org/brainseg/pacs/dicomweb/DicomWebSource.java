package org.brainseg.pacs.dicomweb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.brainseg.imaging.io.JsonMappers;
import org.brainseg.pacs.dicom.DicomException;
import org.brainseg.pacs.orthanc.OrthancClient;
import org.brainseg.pacs.orthanc.PacsException;
import org.brainseg.pacs.rules.SeriesInfo;
import org.brainseg.pacs.source.DicomSource;
import org.brainseg.schemas.ErrorCode;

/**
 * {@link DicomSource} over DICOMweb (PS3.18): QIDO-RS lists a study's series and reads the
 * patient and study tags, WADO-RS reads a series' metadata (every image's tags in one request) and
 * each frame as uncompressed little endian (the server transcodes, or answers that it cannot), and
 * STOW-RS stores the SEG. Only the study's StudyInstanceUID comes from Orthanc's REST API
 * (the feed names studies by Orthanc's id). Served by Orthanc's DICOMweb plugin
 * ({@code orthanc-dicomweb}) and by other PACS.
 */
public final class DicomWebSource implements DicomSource {
    static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";
    /** DICOM JSON tag → the keyword of Orthanc's simplified form that {@link org.brainseg.pacs.dicom.SliceHeader} reads. */
    static final Map<String, String> KEYWORDS = keywords();

    private final OrthancClient http;
    private final String root;
    private final Map<String, String> studyOfSeries = new ConcurrentHashMap<>();

    /**
     * @param http the PACS's HTTP client (its base URL, credentials and TLS)
     * @param root the DICOMweb root relative to the base URL, e.g. {@code dicom-web/}
     */
    public DicomWebSource(OrthancClient http, String root) {
        this.http = http;
        this.root = root.endsWith("/") ? root : root + "/";
    }

    private static Map<String, String> keywords() {
        Map<String, String> k = new LinkedHashMap<>();
        k.put("00080016", "SOPClassUID");
        k.put("00080018", "SOPInstanceUID");
        k.put("00080060", "Modality");
        k.put("0020000D", "StudyInstanceUID");
        k.put("0020000E", "SeriesInstanceUID");
        k.put("00200052", "FrameOfReferenceUID");
        k.put("00200032", "ImagePositionPatient");
        k.put("00200037", "ImageOrientationPatient");
        k.put("00280002", "SamplesPerPixel");
        k.put("00280008", "NumberOfFrames");
        k.put("00280010", "Rows");
        k.put("00280011", "Columns");
        k.put("00280030", "PixelSpacing");
        k.put("00280100", "BitsAllocated");
        k.put("00280101", "BitsStored");
        k.put("00280103", "PixelRepresentation");
        k.put("00281052", "RescaleIntercept");
        k.put("00281053", "RescaleSlope");
        return k;
    }

    /** A DICOM JSON attribute's values as Orthanc's simplified string: backslash-joined, person names by their alphabetic form. */
    static String text(JsonNode attribute) {
        JsonNode v = attribute.path("Value");
        if (!v.isArray() || v.isEmpty()) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        for (JsonNode x : v) {
            parts.add(x.isObject() ? x.path("Alphabetic").asText("") : x.asText());
        }
        return String.join("\\", parts);
    }

    /** The tags {@link org.brainseg.pacs.dicom.SliceHeader} reads, in Orthanc's simplified form. */
    static ObjectNode simplify(JsonNode dicomJson) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        KEYWORDS.forEach((tag, keyword) -> {
            String t = text(dicomJson.path(tag));
            if (t != null) {
                out.put(keyword, t);
            }
        });
        return out;
    }

    private String studyUid(String orthancStudy) throws PacsException {
        String uid = http.study(orthancStudy).path("MainDicomTags").path("StudyInstanceUID").asText("");
        if (uid.isEmpty()) {
            throw new PacsException(404, "study " + orthancStudy + " has no StudyInstanceUID", null);
        }
        return uid;
    }

    @Override
    public List<SeriesInfo> seriesOf(String study) throws PacsException {
        String uid = studyUid(study);
        List<SeriesInfo> out = new ArrayList<>();
        for (JsonNode s : http.getJson(root + "studies/" + uid + "/series?includefield=00181030&includefield=00201209")) {
            String series = text(s.path("0020000E"));
            studyOfSeries.put(series, uid);
            int instances = parse(text(s.path("00201209")));
            out.add(new SeriesInfo(series, orEmpty(text(s.path("00080060"))), orEmpty(text(s.path("0008103E"))),
                    orEmpty(text(s.path("00181030"))), parse(text(s.path("00200011"))), instances));
        }
        return out;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static int parse(String s) {
        try {
            return s == null ? 0 : Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public List<Image> images(SeriesInfo series) throws PacsException {
        String study = studyOfSeries.get(series.id());
        List<Image> out = new ArrayList<>();
        for (JsonNode instance : http.getJson(root + "studies/" + study + "/series/" + series.id() + "/metadata")) {
            ObjectNode tags = simplify(instance);
            out.add(new Image(study + "/series/" + series.id() + "/instances/" + tags.path("SOPInstanceUID").asText(), tags));
        }
        return out;
    }

    @Override
    public byte[] frame(Image image) throws PacsException, DicomException {
        OrthancClient.Answer a;
        try {
            a = http.get(root + "studies/" + image.handle() + "/frames/1",
                    "multipart/related; type=\"application/octet-stream\"; transfer-syntax=" + EXPLICIT_LE);
        } catch (PacsException e) {
            if (e.status() == 406 || e.rejected()) {
                throw new DicomException(ErrorCode.DICOM_UNSUPPORTED, "the PACS cannot give this image's frame uncompressed"
                        + " (HTTP " + e.status() + "): its transfer syntax is not supported");
            }
            throw e;
        }
        return Multipart.firstPart(a.body(), a.contentType());
    }

    @Override
    public JsonNode studyTags(String study) throws PacsException {
        String uid = studyUid(study);
        JsonNode found = http.getJson(root + "studies?StudyInstanceUID=" + uid + "&includefield=00100010&includefield=00100020"
                + "&includefield=00100030&includefield=00100040&includefield=00080020&includefield=00080030"
                + "&includefield=00200010&includefield=00080050&includefield=00080090&includefield=00081030").path(0);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ObjectNode patient = out.putObject("PatientMainDicomTags");
        ObjectNode main = out.putObject("MainDicomTags");
        String[][] p = {{"00100010", "PatientName"}, {"00100020", "PatientID"}, {"00100030", "PatientBirthDate"},
            {"00100040", "PatientSex"}};
        String[][] m = {{"0020000D", "StudyInstanceUID"}, {"00080020", "StudyDate"}, {"00080030", "StudyTime"},
            {"00200010", "StudyID"}, {"00080050", "AccessionNumber"}, {"00080090", "ReferringPhysicianName"},
            {"00081030", "StudyDescription"}};
        for (String[] x : p) {
            String t = text(found.path(x[0]));
            patient.put(x[1], t == null ? "" : t);
        }
        for (String[] x : m) {
            String t = text(found.path(x[0]));
            if (t != null || !x[1].equals("StudyDescription")) {
                main.put(x[1], t == null ? "" : t);
            }
        }
        main.put("StudyInstanceUID", uid);
        return out;
    }

    @Override
    public String store(byte[] dicomFile) throws PacsException {
        String boundary = "brainseg-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(dicomFile);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        OrthancClient.Answer a = http.post(root + "studies", "multipart/related; type=\"application/dicom\"; boundary=" + boundary,
                body.toByteArray());
        JsonNode r;
        try {
            r = JsonMappers.plain().readTree(a.body());
        } catch (java.io.IOException e) {
            throw new PacsException(200, "STOW-RS: the answer is not JSON", e);
        }
        JsonNode failed = r.path("00081198").path("Value");
        if (failed.isArray() && !failed.isEmpty()) {
            throw new PacsException(409, "STOW-RS: the PACS refused the SEG (FailedSOPSequence, reason "
                    + text(failed.path(0).path("00081197")) + ")", null);
        }
        return "Stored (STOW-RS)";
    }

    @Override
    public String protocol() {
        return "DICOMweb";
    }
}
