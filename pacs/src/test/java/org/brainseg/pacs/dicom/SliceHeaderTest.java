package org.brainseg.pacs.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.brainseg.schemas.ErrorCode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SliceHeaderTest {
    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("no orientation", (Consumer<ObjectNode>) t -> t.remove("ImageOrientationPatient"), "ImageOrientationPatient is missing"),
                Arguments.of("five cosines", (Consumer<ObjectNode>) t -> t.put("ImageOrientationPatient", "1\\0\\0\\0\\1"), "needs 6 values"),
                Arguments.of("not orthonormal", (Consumer<ObjectNode>) t -> t.put("ImageOrientationPatient", "1\\0\\0\\1\\0\\0"), "orthonormal"),
                Arguments.of("text position", (Consumer<ObjectNode>) t -> t.put("ImagePositionPatient", "a\\b\\c"), "not a number"),
                Arguments.of("no rows", (Consumer<ObjectNode>) t -> t.remove("Rows"), "Rows is missing"),
                Arguments.of("zero spacing", (Consumer<ObjectNode>) t -> t.put("PixelSpacing", "0\\1"), "PixelSpacing must be positive"),
                Arguments.of("multi-frame", (Consumer<ObjectNode>) t -> t.put("NumberOfFrames", "40"), "multi-frame"),
                Arguments.of("colour", (Consumer<ObjectNode>) t -> t.put("SamplesPerPixel", "3"), "greyscale"),
                Arguments.of("32 bits", (Consumer<ObjectNode>) t -> t.put("BitsAllocated", "32"), "only 8 and 16"),
                Arguments.of("zero slope", (Consumer<ObjectNode>) t -> t.put("RescaleSlope", "0"), "RescaleSlope"),
                Arguments.of("no SOP instance", (Consumer<ObjectNode>) t -> t.remove("SOPInstanceUID"), "SOPInstanceUID is missing"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void shouldRefuseMalformedTagsWithDicomUnsupported(String name, Consumer<ObjectNode> breakIt, String message) {
        ObjectNode t = new Slices().tags(0);
        breakIt.accept(t);
        assertThatThrownBy(() -> SliceHeader.fromTags(t)).isInstanceOf(DicomException.class).hasMessageContaining(message)
                .satisfies(e -> assertThat(((DicomException) e).code()).isEqualTo(ErrorCode.DICOM_UNSUPPORTED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void shouldNeverPutPatientAttributesIntoMessages(String name, Consumer<ObjectNode> breakIt, String message) {
        ObjectNode t = new Slices().tags(0);
        t.put("PatientName", "Doe^Jane");
        t.put("PatientID", "SECRET42");
        breakIt.accept(t);
        assertThatThrownBy(() -> SliceHeader.fromTags(t)).satisfies(e -> assertThat(e.getMessage())
                .doesNotContain("Doe").doesNotContain("SECRET42"));
    }
}
