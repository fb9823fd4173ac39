package org.brainseg.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Hand-written hostile and broken documents: each refused with the right code and a message naming the field. */
class InvalidEventsTest {
    private static final EventCodec CODEC = new EventCodec();

    static Stream<Arguments> invalidDocuments() {
        return Stream.of(
                // name, type, bytes, code, text the message must contain
                bad("missing scanId", scan(d -> d.remove("scanId")), ErrorCode.SCHEMA_VIOLATION, "scanId"),
                bad("missing arrivedAt", scan(d -> d.remove("arrivedAt")), ErrorCode.SCHEMA_VIOLATION, "arrivedAt"),
                bad("missing nested modality", scan(d -> ((ObjectNode) d.get("modalities")).remove("flair")),
                        ErrorCode.SCHEMA_VIOLATION, "flair"),
                bad("scanId is a number", scan(d -> d.put("scanId", 42)), ErrorCode.SCHEMA_VIOLATION, "$.scanId"),
                bad("modelVersion is a string", seg(d -> d.put("modelVersion", "3")),
                        ErrorCode.SCHEMA_VIOLATION, "$.modelVersion"),
                bad("eventId is not a UUID", scan(d -> d.put("eventId", "3f2b8c1e-9a4d-4e7f-8b6a-0c1d2e3f4a5z")),
                        ErrorCode.SCHEMA_VIOLATION, "$.eventId"),
                bad("eventId is empty", scan(d -> d.put("eventId", "")), ErrorCode.SCHEMA_VIOLATION, "$.eventId"),
                bad("huge URI", scan(d -> d.put("labelUri", "file:///" + "a".repeat(5000))),
                        ErrorCode.SCHEMA_VIOLATION, "$.labelUri"),
                bad("huge free text", training(d -> d.put("reason", "x".repeat(20_000))),
                        ErrorCode.SCHEMA_VIOLATION, "$.reason"),
                bad("scanId climbs out of a directory", scan(d -> d.put("scanId", "../../etc")),
                        ErrorCode.SCHEMA_VIOLATION, "$.scanId"),
                bad("scanId with trailing newline", scan(d -> d.put("scanId", "case1\n")),
                        ErrorCode.SCHEMA_VIOLATION, "$.scanId: scanId must"),
                bad("scanId with right-to-left override", scan(d -> d.put("scanId", "case\u202egpj.exe")),
                        ErrorCode.SCHEMA_VIOLATION, "$.scanId"),
                bad("scanId with zero-width space", scan(d -> d.put("scanId", "case\u200b1")),
                        ErrorCode.SCHEMA_VIOLATION, "$.scanId"),
                bad("subjectId with a lone surrogate", raw(scanText().replace("\"subj-007\"", "\"subj\\ud800\"")),
                        ErrorCode.BAD_ENCODING, "$.subjectId"),
                bad("unknown schemaVersion", scan(d -> d.put("schemaVersion", 3)),
                        ErrorCode.UNKNOWN_SCHEMA_VERSION, "$.schemaVersion"),
                bad("schemaVersion 0", scan(d -> d.put("schemaVersion", 0)),
                        ErrorCode.UNKNOWN_SCHEMA_VERSION, "$.schemaVersion"),
                bad("huge schemaVersion", scan(d -> d.put("schemaVersion", 99999999999L)),
                        ErrorCode.UNKNOWN_SCHEMA_VERSION, "$.schemaVersion"),
                bad("schemaVersion is a string", scan(d -> d.put("schemaVersion", "1")),
                        ErrorCode.SCHEMA_VIOLATION, "$.schemaVersion"),
                bad("schemaVersion is fractional", scan(d -> d.put("schemaVersion", 1.5)),
                        ErrorCode.SCHEMA_VIOLATION, "$.schemaVersion"),
                bad("schemaVersion missing", scan(d -> d.remove("schemaVersion")),
                        ErrorCode.SCHEMA_VIOLATION, "$.schemaVersion"),
                bad("both modalities and image4d", scan(d -> d.set("image4d",
                        CODEC.toJson(Fixtures.scanWith4d()).get("image4d"))), ErrorCode.SCHEMA_VIOLATION, "image4d"),
                bad("neither modalities nor image4d", scan(d -> d.remove("modalities")),
                        ErrorCode.SCHEMA_VIOLATION, "neither"),
                bad("channel order repeats a modality", scan4d(d -> ((ArrayNode) d.at("/image4d/channelOrder"))
                        .set(1, "flair")), ErrorCode.SCHEMA_VIOLATION, "$.image4d.channelOrder"),
                bad("channel order has three entries", scan4d(d -> ((ArrayNode) d.at("/image4d/channelOrder"))
                        .remove(3)), ErrorCode.SCHEMA_VIOLATION, "$.image4d.channelOrder"),
                bad("relative URI", scan(d -> ((ObjectNode) d.get("modalities")).put("t1", "t1.nii.gz")),
                        ErrorCode.SCHEMA_VIOLATION, "$.modalities.t1"),
                bad("date that is no date", scan(d -> d.put("arrivedAt", "yesterday")),
                        ErrorCode.SCHEMA_VIOLATION, "$.arrivedAt"),
                bad("unknown label convention", scan(d -> d.put("labelConvention", "brats2019")),
                        ErrorCode.SCHEMA_VIOLATION, "$.labelConvention"),
                bad("unknown sha256 key", scan(d -> ((ObjectNode) d.get("sha256")).put("t3", "a".repeat(64))),
                        ErrorCode.SCHEMA_VIOLATION, "$.sha256"),
                bad("upper-case sha256", seg(d -> d.put("maskSha256", "A".repeat(64))),
                        ErrorCode.SCHEMA_VIOLATION, "$.maskSha256"),
                bad("extra property", scan(d -> d.put("evil", true)), ErrorCode.SCHEMA_VIOLATION, "evil"),
                bad("modelVersion zero", seg(d -> d.put("modelVersion", 0)), ErrorCode.SCHEMA_VIOLATION,
                        "$.modelVersion"),
                bad("negative timing", seg(d -> ((ObjectNode) d.get("timingsMs")).put("infer", -1)),
                        ErrorCode.SCHEMA_VIOLATION, "$.timingsMs.infer"),
                bad("Dice above one", dice(d -> ((ObjectNode) d.get("dice")).put("WT", 1.5)),
                        ErrorCode.SCHEMA_VIOLATION, "$.dice.WT"),
                bad("lower-case region key", dice(d -> {
                    ObjectNode dice = (ObjectNode) d.get("dice");
                    dice.set("wt", dice.remove("WT"));
                }), ErrorCode.SCHEMA_VIOLATION, "$.dice"),
                bad("failure claims to be retriable", failed(d -> d.put("retriable", true)),
                        ErrorCode.SCHEMA_VIOLATION, "$.retriable"),
                bad("unknown error code", failed(d -> d.put("errorCode", "OOPS")),
                        ErrorCode.SCHEMA_VIOLATION, "$.errorCode"),
                bad("negative offset", failed(d -> ((ObjectNode) d.get("source")).put("offset", -1)),
                        ErrorCode.SCHEMA_VIOLATION, "$.source.offset"),
                bad("training request id with a space", failed(d -> d.put("trainingRequestId", "req 1")),
                        ErrorCode.SCHEMA_VIOLATION, "$.trainingRequestId"),
                bad("epochs is a word", training(d -> d.put("epochs", "ten")), ErrorCode.SCHEMA_VIOLATION,
                        "$.epochs"),
                bad("seed beyond 2^53", training(d -> d.put("seed", 1L << 60)), ErrorCode.SCHEMA_VIOLATION,
                        "$.seed"),
                bad("unknown normalization", training(d -> d.put("normalization", "weight")),
                        ErrorCode.SCHEMA_VIOLATION, "$.normalization"),
                bad("unknown start", training(d -> d.put("startFrom", "yesterday")),
                        ErrorCode.SCHEMA_VIOLATION, "$.startFrom"),
                bad("start given as a version number", training(d -> d.put("startFrom", 3)),
                        ErrorCode.SCHEMA_VIOLATION, "$.startFrom"),
                bad("parent version not older", model(d -> d.put("parentVersion", 4)),
                        ErrorCode.SCHEMA_VIOLATION, "$.parentVersion: parentVersion must"),
                bad("compared Dice above 1", model(d -> ((ObjectNode) d.at("/comparedWith/dice")).put("WT", 1.5)),
                        ErrorCode.SCHEMA_VIOLATION, "$.comparedWith.dice.WT"),
                bad("compared with itself", model(d -> ((ObjectNode) d.get("comparedWith")).put("version", 4)),
                        ErrorCode.SCHEMA_VIOLATION, "comparedWith.version must differ"),
                bad("patch size of two", model(d -> ((ArrayNode) d.at("/architecture/patchSize")).remove(0)),
                        ErrorCode.SCHEMA_VIOLATION, "$.architecture.patchSize"),
                bad("empty payload", new byte[0], ScanArrived.class, ErrorCode.EMPTY_PAYLOAD, "empty"),
                bad("whitespace payload", utf8(" \n\t "), ScanArrived.class, ErrorCode.EMPTY_PAYLOAD, "$"),
                bad("invalid UTF-8", new byte[] {'{', '"', (byte) 0xC3, 0x28, '"', '}'}, ScanArrived.class,
                        ErrorCode.BAD_ENCODING, "byte 2"),
                bad("overlong UTF-8 slash", new byte[] {'{', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'},
                        ScanArrived.class, ErrorCode.BAD_ENCODING, "UTF-8"),
                bad("UTF-16 bytes", "{\"a\":1}".getBytes(StandardCharsets.UTF_16), ScanArrived.class,
                        ErrorCode.BAD_ENCODING, "UTF-8"),
                bad("truncated JSON", raw(scanText().substring(0, 40)), ErrorCode.BAD_JSON, "line 1"),
                bad("JSON array", utf8("[1,2,3]"), ScanArrived.class, ErrorCode.SCHEMA_VIOLATION, "array"),
                bad("JSON number", utf8("42"), ScanArrived.class, ErrorCode.SCHEMA_VIOLATION, "number"),
                bad("JSON string", utf8("\"scan\""), ScanArrived.class, ErrorCode.SCHEMA_VIOLATION, "string"),
                bad("JSON null", utf8("null"), ScanArrived.class, ErrorCode.SCHEMA_VIOLATION, "null"),
                bad("deeply nested arrays", utf8("[".repeat(10_000) + "]".repeat(10_000)), ScanArrived.class,
                        ErrorCode.BAD_JSON, "nesting"),
                bad("deeply nested inside a valid event",
                        raw(scanText().replace("\"subj-007\"", "[".repeat(100) + "]".repeat(100))),
                        ErrorCode.BAD_JSON, "nesting"),
                bad("duplicate key", raw(scanText().replace("{\"schemaVersion\":" + Event.SCHEMA_VERSION + ",",
                        "{\"schemaVersion\":" + Event.SCHEMA_VERSION + ",\"scanId\":\"other\",")), ErrorCode.BAD_JSON, "scanId"),
                bad("trailing data", raw(scanText() + " {}"), ErrorCode.BAD_JSON, "$"),
                bad("NaN", raw(scanText().replace("\"schemaVersion\":" + Event.SCHEMA_VERSION, "\"schemaVersion\":NaN")),
                        ErrorCode.BAD_JSON, "NaN"),
                bad("comment", raw("/* hi */" + scanText()), ErrorCode.BAD_JSON, "comment"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidDocuments")
    void shouldRefuseWithCodeAndFieldInMessage(String name, byte[] bytes, Class<? extends Event> type,
            ErrorCode code, String mentioned) {
        EventDecodingException e = catchThrowableOfType(EventDecodingException.class, () -> CODEC.decode(bytes, type));

        assertThat(e).as(name).isNotNull();
        assertThat(e.code()).as("%s: %s", name, e.getMessage()).isEqualTo(code);
        assertThat(e.getMessage()).as(name).contains(mentioned);
        assertThat(e.getMessage().length()).as("message stays short").isLessThan(2000);
    }

    @Test
    void shouldAcceptOddButValidUnicodeInFreeText() throws Exception {
        String reason = "retrain 🧠 naïve café \u0301 עברית \u0000 end";
        TrainingRequested t = new TrainingRequested(Fixtures.ID, "req-1", reason,
                Fixtures.training().datasetUri(), Normalization.LAYER, 1, 0, Promotion.NEVER);

        assertThat(CODEC.decode(CODEC.encode(t), TrainingRequested.class).reason()).isEqualTo(reason);
    }

    @Test
    void shouldAcceptIntegralFloatSchemaVersionAsJsonSchemaDoes() throws Exception {
        byte[] doc = scan(d -> d.put("schemaVersion", 1.0));

        assertThat(CODEC.decode(doc, ScanArrived.class)).isEqualTo(Fixtures.scanWithModalities());
    }

    @Test
    void shouldAcceptTimestampsWithOffsets() throws Exception {
        byte[] doc = scan(d -> d.put("arrivedAt", "2025-03-01T14:34:56.789+02:00"));

        assertThat(CODEC.decode(doc, ScanArrived.class).arrivedAt()).isEqualTo(Fixtures.T);
    }

    // ---- document builders -------------------------------------------------------------

    private static Arguments bad(String name, byte[] bytes, Class<? extends Event> type, ErrorCode code, String text) {
        return Arguments.of(name, bytes, type, code, text);
    }

    private static Arguments bad(String name, Doc doc, ErrorCode code, String text) {
        return Arguments.of(name, doc.bytes, doc.type, code, text);
    }

    private static Arguments bad(String name, byte[] scanBytes, ErrorCode code, String text) {
        return Arguments.of(name, scanBytes, ScanArrived.class, code, text);
    }

    private record Doc(byte[] bytes, Class<? extends Event> type) {
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String scanText() {
        return new String(CODEC.encode(Fixtures.scanWithModalities()), StandardCharsets.UTF_8);
    }

    private static byte[] raw(String s) {
        return utf8(s);
    }

    private static byte[] mutate(Event e, Consumer<ObjectNode> change) {
        ObjectNode d = CODEC.toJson(e);
        change.accept(d);
        return utf8(d.toString());
    }

    private static byte[] scan(Consumer<ObjectNode> change) {
        return mutate(Fixtures.scanWithModalities(), change);
    }

    private static byte[] scan4d(Consumer<ObjectNode> change) {
        return mutate(Fixtures.scanWith4d(), change);
    }

    private static Doc seg(Consumer<ObjectNode> change) {
        return new Doc(mutate(Fixtures.segmentation(), change), SegmentationCompleted.class);
    }

    private static Doc dice(Consumer<ObjectNode> change) {
        return new Doc(mutate(Fixtures.dice(), change), DiceReported.class);
    }

    private static Doc failed(Consumer<ObjectNode> change) {
        return new Doc(mutate(Fixtures.failed(), change), ScanFailed.class);
    }

    private static Doc training(Consumer<ObjectNode> change) {
        return new Doc(mutate(Fixtures.training(), change), TrainingRequested.class);
    }

    private static Doc model(Consumer<ObjectNode> change) {
        return new Doc(mutate(Fixtures.model(), change), ModelVersionPublished.class);
    }
}
