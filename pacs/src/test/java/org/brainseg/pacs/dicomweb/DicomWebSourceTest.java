package org.brainseg.pacs.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.brainseg.pacs.dicom.SliceHeader;
import org.brainseg.pacs.orthanc.PacsException;
import org.junit.jupiter.api.Test;

/** DICOM JSON (PS3.18 F.2) to the tags the converter reads, and the multipart frames of WADO-RS, without a server. */
class DicomWebSourceTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldTurnDicomJsonIntoTheTagsOfASliceHeader() throws Exception {
        JsonNode instance = JSON.readTree("""
                {"00080016": {"vr": "UI", "Value": ["1.2.840.10008.5.1.4.1.1.4"]},
                 "00080018": {"vr": "UI", "Value": ["1.2.3.7"]},
                 "0020000E": {"vr": "UI", "Value": ["1.2.3"]},
                 "00100010": {"vr": "PN", "Value": [{"Alphabetic": "Doe^Jane"}]},
                 "00200032": {"vr": "DS", "Value": [10, -20.5, 35]},
                 "00200037": {"vr": "DS", "Value": [1, 0, 0, 0, 0.8, 0.6]},
                 "00280010": {"vr": "US", "Value": [6]}, "00280011": {"vr": "US", "Value": [5]},
                 "00280030": {"vr": "DS", "Value": [1.5, 1.2]},
                 "00280100": {"vr": "US", "Value": [16]}, "00280101": {"vr": "US", "Value": [12]},
                 "00280103": {"vr": "US", "Value": [0]},
                 "00281053": {"vr": "DS", "Value": [0.5]}, "00281052": {"vr": "DS", "Value": [-3]},
                 "00080050": {"vr": "SH"},
                 "7FE00010": {"vr": "OW", "BulkDataURI": "http://pacs/bulk"}}""");
        JsonNode tags = DicomWebSource.simplify(instance);
        assertThat(tags.path("ImagePositionPatient").asText()).isEqualTo("10\\-20.5\\35");
        assertThat(tags.has("PatientName")).as("patient tags are not carried").isFalse();
        SliceHeader h = SliceHeader.fromTags(tags);
        assertThat(h.position()).containsExactly(10, -20.5, 35);
        assertThat(h.orientation()).containsExactly(1, 0, 0, 0, 0.8, 0.6);
        assertThat(h.rows()).isEqualTo(6);
        assertThat(h.bitsStored()).isEqualTo(12);
        assertThat(h.slope()).isEqualTo(0.5);
        assertThat(h.intercept()).isEqualTo(-3);
    }

    @Test
    void shouldReadPersonNamesByTheirAlphabeticForm() throws Exception {
        assertThat(DicomWebSource.text(JSON.readTree("{\"vr\": \"PN\", \"Value\": [{\"Alphabetic\": \"Doe^Jane\"}]}")))
                .isEqualTo("Doe^Jane");
        assertThat(DicomWebSource.text(JSON.readTree("{\"vr\": \"SH\"}"))).isNull();
    }

    @Test
    void shouldTakeTheFirstPartOfAMultipartAnswer() throws Exception {
        byte[] pixels = {0, 1, 2, (byte) 0xFF, '\r', '\n', '-', '-'};
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("--abc-123\r\nContent-Type: application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(pixels);
        b.writeBytes("\r\n--abc-123--\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(Multipart.firstPart(b.toByteArray(),
                "multipart/related; type=\"application/octet-stream\"; boundary=\"abc-123\"")).containsExactly(pixels);
        assertThat(Multipart.firstPart(b.toByteArray(), "multipart/related; boundary=abc-123")).containsExactly(pixels);
    }

    @Test
    void shouldRefuseAMultipartAnswerWithoutItsBoundary() {
        assertThatThrownBy(() -> Multipart.firstPart(new byte[10], "multipart/related")).isInstanceOf(PacsException.class)
                .hasMessageContaining("without boundary");
        assertThatThrownBy(() -> Multipart.firstPart("--x\r\n\r\nabc".getBytes(StandardCharsets.US_ASCII),
                "multipart/related; boundary=x")).hasMessageContaining("closing boundary");
    }
}
