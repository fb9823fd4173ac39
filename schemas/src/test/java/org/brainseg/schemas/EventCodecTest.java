package org.brainseg.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;
import org.brainseg.imaging.labels.LabelConvention;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EventCodecTest {
    private static final EventCodec CODEC = new EventCodec();
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Event> events() {
        return Fixtures.all().stream();
    }

    @ParameterizedTest
    @MethodSource("events")
    void shouldRoundTripEveryEvent(Event event) throws Exception {
        byte[] bytes = CODEC.encode(event);

        Event back = CODEC.decode(bytes, event.getClass());

        assertThat(back).isEqualTo(event);
        assertThat(CODEC.decode(bytes, Topics.forEvent(event.getClass()).name())).isEqualTo(event);
    }

    @ParameterizedTest
    @MethodSource("events")
    void encodedJsonShouldValidateAgainstItsSchemaWithAnIndependentlyLoadedValidator(Event event) throws Exception {
        // Loaded here from the resource, not through the codec, so a codec bug cannot hide a schema mismatch.
        var factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        var config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        try (InputStream in = getClass().getClassLoader()
                .getResourceAsStream(EventCodec.schemaResource(event.getClass()))) {
            var schema = factory.getSchema(in, config);
            JsonNode doc = JSON.readTree(CODEC.encode(event));

            assertThat(schema.validate(doc)).isEmpty();
            assertThat(doc.get("schemaVersion").asInt()).isEqualTo(Event.SCHEMA_VERSION);
            assertThat(doc.fieldNames().next()).isEqualTo("schemaVersion");
        }
    }

    @Test
    void shouldWriteWireNamesForEnumsAndIsoTimestamps() throws Exception {
        JsonNode scan = JSON.readTree(CODEC.encode(Fixtures.scanWith4d()));
        JsonNode model = JSON.readTree(CODEC.encode(Fixtures.model()));
        JsonNode dice = JSON.readTree(CODEC.encode(Fixtures.dice()));

        assertThat(scan.get("labelConvention").asText()).isEqualTo("msd");
        assertThat(scan.at("/image4d/channelOrder/0").asText()).isEqualTo("flair");
        assertThat(scan.get("arrivedAt").asText()).isEqualTo("2025-03-01T12:34:56.789Z");
        assertThat(scan.has("labelUri")).isFalse();
        assertThat(scan.has("sha256")).isFalse();
        assertThat(model.get("normalization").asText()).isEqualTo("layer-channel");
        assertThat(model.get("status").asText()).isEqualTo("active");
        assertThat(model.at("/validation/dice/WT").asDouble()).isEqualTo(0.91);
        assertThat(dice.at("/hd95/ncrNet").isNull()).isTrue();
    }

    @Test
    void encodingShouldBeDeterministic() {
        for (Event e : Fixtures.all()) {
            assertThat(CODEC.encode(e)).isEqualTo(CODEC.encode(e));
        }
    }

    @Test
    void schemaEnumsShouldMatchTheJavaEnums() throws Exception {
        JsonNode scan = schema(ScanArrived.class);
        assertThat(texts(scan.at("/properties/labelConvention/enum")))
                .containsExactly(Arrays.stream(LabelConvention.values()).map(LabelConvention::id).toArray(String[]::new));
        assertThat(texts(schema(ScanFailed.class).at("/properties/errorCode/enum")))
                .containsExactly(Arrays.stream(ErrorCode.values()).map(Enum::name).toArray(String[]::new));
        assertThat(texts(schema(TrainingRequested.class).at("/properties/normalization/enum")))
                .containsExactly(Arrays.stream(Normalization.values()).map(Normalization::wire).toArray(String[]::new));
        assertThat(texts(schema(TrainingRequested.class).at("/properties/promotion/enum")))
                .containsExactly(Arrays.stream(Promotion.values()).map(Promotion::wire).toArray(String[]::new));
        assertThat(texts(schema(TrainingRequested.class).at("/properties/startFrom/enum")))
                .containsExactly(Arrays.stream(StartFrom.values()).map(StartFrom::wire).toArray(String[]::new));
        assertThat(texts(schema(ModelVersionPublished.class).at("/properties/status/enum")))
                .containsExactly(Arrays.stream(ModelStatus.values()).map(ModelStatus::wire).toArray(String[]::new));
    }

    @Test
    void aTrainingRequestWithoutStartFromShouldTrainFromScratchAndFineTuningShouldRoundTrip() throws Exception {
        TrainingRequested t = Fixtures.training();
        com.fasterxml.jackson.databind.node.ObjectNode doc =
                (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(CODEC.encode(t));
        doc.remove("startFrom"); // as written before the field existed
        assertThat(CODEC.decode(doc.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8), TrainingRequested.class).startFrom())
                .isEqualTo(StartFrom.SCRATCH);
        TrainingRequested fineTune = new TrainingRequested(t.eventId(), t.requestId(), t.reason(), t.datasetUri(), t.normalization(),
                t.epochs(), t.seed(), t.promotion(), StartFrom.ACTIVE);
        assertThat(new String(CODEC.encode(fineTune), java.nio.charset.StandardCharsets.UTF_8)).contains("\"startFrom\":\"active\"");
        assertThat(CODEC.decode(CODEC.encode(fineTune), TrainingRequested.class)).isEqualTo(fineTune);
    }

    @Test
    void everyStringInEverySchemaShouldBeBounded() throws Exception {
        for (Topics.Spec spec : Topics.all()) {
            assertBounded(schema(spec.eventType()), "$");
        }
    }

    @Test
    void shouldRefuseOversizedPayloadBeforeParsing() {
        byte[] big = new byte[EventCodec.DEFAULT_MAX_BYTES + 1];
        Arrays.fill(big, (byte) ' ');

        assertThatThrownBy(() -> CODEC.decode(big, ScanArrived.class))
                .isInstanceOfSatisfying(EventDecodingException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE));
    }

    @Test
    void shouldReportScanIdOfARejectedDocumentWhenReadable() {
        String doc = "{\"schemaVersion\":1,\"scanId\":\"case-9\"}";

        assertThatThrownBy(() -> CODEC.decode(doc.getBytes(StandardCharsets.UTF_8), ScanArrived.class))
                .isInstanceOfSatisfying(EventDecodingException.class,
                        e -> assertThat(e.scanId()).contains("case-9"));
    }

    private static void assertBounded(JsonNode schema, String where) {
        if (schema.isObject()) {
            if ("string".equals(schema.path("type").asText())
                    || (schema.path("type").isArray() && schema.path("type").toString().contains("string"))) {
                boolean bounded = schema.has("maxLength") || schema.has("enum") || schema.has("const");
                assertThat(bounded).as("string at %s has maxLength", where).isTrue();
            }
            if ("array".equals(schema.path("type").asText())) {
                assertThat(schema.has("maxItems")).as("array at %s has maxItems", where).isTrue();
            }
            if ("object".equals(schema.path("type").asText()) && !schema.path("additionalProperties").isBoolean()) {
                assertThat(schema.has("maxProperties")).as("open object at %s has maxProperties", where).isTrue();
            }
            schema.properties().forEach(f -> assertBounded(f.getValue(), where + "." + f.getKey()));
        } else if (schema.isArray()) {
            for (JsonNode n : schema) {
                assertBounded(n, where + "[]");
            }
        }
    }

    private static JsonNode schema(Class<? extends Event> type) throws Exception {
        try (InputStream in = EventCodecTest.class.getClassLoader().getResourceAsStream(EventCodec.schemaResource(type))) {
            return JSON.readTree(in);
        }
    }

    private static String[] texts(JsonNode array) {
        String[] out = new String[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asText();
        }
        return out;
    }
}
