package org.brainseg.pacs.source;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.brainseg.pacs.dicom.DicomException;
import org.brainseg.pacs.orthanc.OrthancClient;
import org.brainseg.pacs.orthanc.PacsException;
import org.brainseg.pacs.rules.SeriesInfo;
import org.brainseg.schemas.ErrorCode;

/** {@link DicomSource} over Orthanc's REST API: {@code /studies/{id}/series}, {@code /instances/{id}/tags}, raw frames, {@code POST /instances}. */
public final class OrthancRestSource implements DicomSource {
    /** The uncompressed transfer syntaxes whose raw frames are little-endian pixel values. */
    public static final Set<String> READABLE_SYNTAXES = Set.of("1.2.840.10008.1.2", "1.2.840.10008.1.2.1");

    private final OrthancClient pacs;

    public OrthancRestSource(OrthancClient pacs) {
        this.pacs = pacs;
    }

    @Override
    public List<SeriesInfo> seriesOf(String study) throws PacsException {
        List<SeriesInfo> out = new ArrayList<>();
        for (JsonNode s : pacs.seriesOfStudy(study)) {
            JsonNode t = s.path("MainDicomTags");
            out.add(new SeriesInfo(s.path("ID").asText(), t.path("Modality").asText(""), t.path("SeriesDescription").asText(""),
                    t.path("ProtocolName").asText(""), number(t.path("SeriesNumber").asText("0")), s.path("Instances").size()));
        }
        return out;
    }

    static int number(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return 0; // absent or malformed SeriesNumber: ranks last among repeats
        }
    }

    @Override
    public List<Image> images(SeriesInfo series) throws PacsException {
        List<Image> out = new ArrayList<>();
        for (JsonNode id : pacs.series(series.id()).path("Instances")) {
            out.add(new Image(id.asText(), pacs.instanceTags(id.asText())));
        }
        return out;
    }

    @Override
    public byte[] frame(Image image) throws PacsException, DicomException {
        String syntax = pacs.transferSyntax(image.handle());
        if (!READABLE_SYNTAXES.contains(syntax)) {
            throw new DicomException(ErrorCode.DICOM_UNSUPPORTED, "transfer syntax " + syntax + " is not supported (only"
                    + " uncompressed little endian: have the PACS or modality send Explicit or Implicit VR Little Endian)");
        }
        return pacs.rawFrame(image.handle());
    }

    @Override
    public JsonNode studyTags(String study) throws PacsException {
        return pacs.study(study);
    }

    @Override
    public String store(byte[] dicomFile) throws PacsException {
        JsonNode r = pacs.store(dicomFile);
        return r.path("Status").asText("?") + " " + r.path("ID").asText("");
    }

    @Override
    public String protocol() {
        return "Orthanc REST";
    }
}
