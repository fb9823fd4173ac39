package org.brainseg.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.imaging.labels.LabelConvention;

/**
 * Encodes events to JSON and decodes untrusted bytes into validated event records.
 *
 * <p>Decoding is a series of gates, cheapest first, so hostile input costs little: size and
 * emptiness, strict UTF-8, JSON syntax (duplicate keys, trailing data and deep nesting are
 * refused), {@code schemaVersion}, the event's JSON Schema (draft 2020-12, formats asserted),
 * then the record's own invariants. Every refusal is an {@link EventDecodingException} whose
 * {@link ErrorCode} tells poison apart by kind and whose message names the JSON path.
 *
 * <p>Encoding validates the produced document against the same schema, so a record and its
 * schema can never silently drift apart. Instances are immutable and thread-safe; create one
 * and share it (loading the schemas takes a few milliseconds).
 */
public final class EventCodec {
    /** Events carry URIs and numbers, never voxels: 64 KiB is generous. */
    public static final int DEFAULT_MAX_BYTES = 64 * 1024;
    /** Our documents nest three levels deep; anything much deeper is an attack on the parser. */
    static final int MAX_NESTING = 32;
    /** Schema messages listed in one exception; the rest are counted. */
    private static final int MAX_REPORTED = 5;
    private static final Pattern FIELD_IN_MESSAGE =
            Pattern.compile("([A-Za-z][A-Za-z0-9]*(?:\\.[A-Za-z][A-Za-z0-9]*)*(?:\\[\\])?) (?:must|is) ");

    private final int maxBytes;
    private final ObjectMapper mapper;
    private final Map<Class<? extends Event>, Contract> contracts = new HashMap<>();

    /** A codec with {@link #DEFAULT_MAX_BYTES}. */
    public EventCodec() {
        this(DEFAULT_MAX_BYTES);
    }

    /** A codec refusing record values larger than {@code maxBytes}. */
    public EventCodec(int maxBytes) {
        if (maxBytes < 1024) {
            throw new IllegalArgumentException("maxBytes must be at least 1024, got " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.mapper = newMapper(maxBytes);
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        // Draft 2020-12 makes "format" an annotation by default; we want uuid, uri and date-time enforced.
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
                .formatAssertionsEnabled(true)
                .pathType(PathType.JSON_PATH)
                // Messages are for logs and the failed topic, not for a user's locale.
                .locale(Locale.ROOT)
                .build();
        for (Topics.Spec spec : Topics.all()) {
            Class<? extends Event> type = spec.eventType();
            String resource = schemaResource(type);
            try (InputStream in = EventCodec.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("schema resource missing from the class path: " + resource);
                }
                JsonNode schemaJson = mapper.readTree(in);
                contracts.put(type, new Contract(factory.getSchema(schemaJson, config), exactlyOneOf(schemaJson)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read schema " + resource, e);
            }
        }
    }

    /** Class-path location of an event's JSON Schema, e.g. {@code schemas/ScanArrived.schema.json}. */
    public static String schemaResource(Class<? extends Event> type) {
        return "schemas/" + type.getSimpleName() + ".schema.json";
    }

    /** The largest record value this codec accepts, in bytes. */
    public int maxBytes() {
        return maxBytes;
    }

    /**
     * The event as UTF-8 JSON, {@code schemaVersion} first.
     *
     * @throws IllegalStateException if the document breaks its schema: a bug, since records
     *                               validate themselves on construction
     */
    public byte[] encode(Event event) {
        ObjectNode doc = toJson(event);
        List<ValidationMessage> errors = validate(event.getClass(), doc);
        if (!errors.isEmpty()) {
            throw new IllegalStateException(event.getClass().getSimpleName()
                    + " record and its JSON Schema disagree: " + summarize(errors));
        }
        try {
            return mapper.writeValueAsBytes(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + event.getClass().getSimpleName(), e);
        }
    }

    /** The event as a JSON tree, {@code schemaVersion} first (not validated; see {@link #encode}). */
    public ObjectNode toJson(Event event) {
        ObjectNode doc = mapper.createObjectNode();
        doc.put("schemaVersion", Event.SCHEMA_VERSION);
        doc.setAll((ObjectNode) mapper.valueToTree(event));
        return doc;
    }

    /** Decodes a record value read from {@code topic}, whose spec says which event it carries. */
    public Event decode(byte[] bytes, String topic) throws EventDecodingException {
        return decode(bytes, Topics.byName(topic).eventType());
    }

    /**
     * Decodes untrusted bytes into an event of the given type.
     *
     * @throws EventDecodingException with the first failed gate's code and the offending path
     */
    public <T extends Event> T decode(byte[] bytes, Class<T> type) throws EventDecodingException {
        Contract contract = contracts.get(type);
        if (contract == null) {
            throw new IllegalArgumentException("not an event type: " + type.getName());
        }
        if (bytes == null || bytes.length == 0) {
            throw new EventDecodingException(ErrorCode.EMPTY_PAYLOAD, "$", "record value is empty", null);
        }
        if (bytes.length > maxBytes) {
            throw new EventDecodingException(ErrorCode.PAYLOAD_TOO_LARGE, "$",
                    "record value is " + bytes.length + " bytes, the limit is " + maxBytes, null);
        }
        String text = strictUtf8(bytes);
        JsonNode root = parse(text);
        String scanId = scanIdOf(root);
        checkSurrogates(root, "$", scanId);
        if (!root.isObject()) {
            throw new EventDecodingException(ErrorCode.SCHEMA_VIOLATION, "$",
                    "must be a JSON object, got " + root.getNodeType().toString().toLowerCase(Locale.ROOT),
                    null);
        }
        checkSchemaVersion(root, scanId);
        contract.checkExactlyOneOf(root, scanId);
        List<ValidationMessage> errors = validate(type, root);
        if (!errors.isEmpty()) {
            String path = errors.get(0).getInstanceLocation().toString();
            throw new EventDecodingException(ErrorCode.SCHEMA_VIOLATION, path, summarize(errors), scanId);
        }
        ObjectNode body = ((ObjectNode) root).deepCopy();
        body.remove("schemaVersion");
        try {
            return mapper.treeToValue(body, type);
        } catch (JsonMappingException e) {
            String detail = detail(e);
            throw new EventDecodingException(ErrorCode.SCHEMA_VIOLATION, fieldPath(jsonPath(e), detail), detail,
                    scanId);
        } catch (JsonProcessingException e) {
            throw new EventDecodingException(ErrorCode.BAD_JSON, "$", e.getOriginalMessage(), scanId);
        } catch (IllegalArgumentException e) {
            // treeToValue wraps some mapping failures in IllegalArgumentException.
            throw new EventDecodingException(ErrorCode.SCHEMA_VIOLATION, "$", e.getMessage(), scanId);
        }
    }

    private String strictUtf8(byte[] bytes) throws EventDecodingException {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            CharBuffer out = dec.decode(in);
            return out.toString();
        } catch (MalformedInputException e) {
            // decode() leaves the buffer at the first bad byte.
            throw new EventDecodingException(ErrorCode.BAD_ENCODING, "$",
                    "not valid UTF-8: malformed sequence at byte " + in.position(), null);
        } catch (CharacterCodingException e) {
            throw new EventDecodingException(ErrorCode.BAD_ENCODING, "$", "not valid UTF-8: " + e, null);
        }
    }

    private JsonNode parse(String text) throws EventDecodingException {
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (StreamConstraintsException e) {
            throw new EventDecodingException(ErrorCode.BAD_JSON, "$", "refused: " + e.getOriginalMessage(), null);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            throw new EventDecodingException(ErrorCode.BAD_JSON, "$", "not well-formed JSON: "
                    + e.getOriginalMessage() + where, null);
        }
        if (root == null || root.isMissingNode()) {
            throw new EventDecodingException(ErrorCode.EMPTY_PAYLOAD, "$", "record value holds only whitespace", null);
        }
        return root;
    }

    /** Best effort: the scan id of a rejected document, if it has a well-formed one. */
    private static String scanIdOf(JsonNode root) {
        JsonNode id = root.path("scanId");
        return id.isTextual() && Require.ID.matcher(id.asText()).matches() ? id.asText() : null;
    }

    /**
     * JSON escapes can spell an unpaired UTF-16 surrogate ("\ud800"), which is no Unicode text:
     * it cannot be written back as UTF-8 and breaks downstream readers, so it is refused here.
     */
    private static void checkSurrogates(JsonNode node, String path, String scanId) throws EventDecodingException {
        if (node.isTextual()) {
            if (hasUnpairedSurrogate(node.textValue())) {
                throw new EventDecodingException(ErrorCode.BAD_ENCODING, path,
                        "string holds an unpaired UTF-16 surrogate", scanId);
            }
        } else if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> f = it.next();
                if (hasUnpairedSurrogate(f.getKey())) {
                    throw new EventDecodingException(ErrorCode.BAD_ENCODING, path,
                            "a field name holds an unpaired UTF-16 surrogate", scanId);
                }
                checkSurrogates(f.getValue(), path + "." + f.getKey(), scanId);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkSurrogates(node.get(i), path + "[" + i + "]", scanId);
            }
        }
    }

    static boolean hasUnpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return true;
                }
            } else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private static void checkSchemaVersion(JsonNode root, String scanId) throws EventDecodingException {
        JsonNode v = root.get("schemaVersion");
        if (v == null) {
            throw new EventDecodingException(ErrorCode.SCHEMA_VIOLATION, "$.schemaVersion", "is required", scanId);
        }
        if (!v.isNumber() || !v.canConvertToExactIntegral()) {
            throw new EventDecodingException(ErrorCode.SCHEMA_VIOLATION, "$.schemaVersion",
                    "must be an integer, got " + v.getNodeType().toString().toLowerCase(Locale.ROOT),
                    scanId);
        }
        if (!v.canConvertToInt() || v.asInt() < Event.OLDEST_READABLE_VERSION || v.asInt() > Event.SCHEMA_VERSION) {
            throw new EventDecodingException(ErrorCode.UNKNOWN_SCHEMA_VERSION, "$.schemaVersion",
                    "version " + Require.quote(v.asText()) + " is not supported; this build reads versions "
                            + Event.OLDEST_READABLE_VERSION + " to " + Event.SCHEMA_VERSION, scanId);
        }
    }

    private List<ValidationMessage> validate(Class<? extends Event> type, JsonNode doc) {
        Set<ValidationMessage> found = contracts.get(type).schema().validate(doc);
        List<ValidationMessage> sorted = new ArrayList<>(found);
        // Deterministic order: the same document always reports the same first path.
        sorted.sort(Comparator.comparing((ValidationMessage m) -> m.getInstanceLocation().toString())
                .thenComparing(ValidationMessage::getMessage));
        return sorted;
    }

    private static String summarize(List<ValidationMessage> errors) {
        String listed = errors.stream().limit(MAX_REPORTED).map(ValidationMessage::getMessage)
                .collect(Collectors.joining("; "));
        return errors.size() > MAX_REPORTED ? listed + "; and " + (errors.size() - MAX_REPORTED) + " more" : listed;
    }

    private static String jsonPath(JsonMappingException e) {
        StringBuilder sb = new StringBuilder("$");
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                sb.append('.').append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    /** Record messages start with the field name ("modalities.t1 must ..."): extend the object's path with it. */
    static String fieldPath(String objectPath, String detail) {
        Matcher m = FIELD_IN_MESSAGE.matcher(detail == null ? "" : detail);
        if (!m.lookingAt()) {
            return objectPath;
        }
        String field = m.group(1).replace("[]", "");
        int dot = field.indexOf('.');
        String head = dot < 0 ? field : field.substring(0, dot);
        // Nested records qualify their fields with their own name, which the object path already ends with.
        if (dot >= 0 && objectPath.endsWith("." + head)) {
            return objectPath + field.substring(dot);
        }
        return objectPath + "." + field;
    }

    private static String detail(JsonMappingException e) {
        // A record constructor's IllegalArgumentException names the field; prefer it over Jackson's wrapper.
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException) {
                return t.getMessage();
            }
        }
        return e.getOriginalMessage();
    }

    /**
     * Root-level {@code oneOf} alternatives of the form {@code {"required": [field]}}: the
     * generic oneOf message is useless to a sender, so these are checked first by name.
     */
    private static List<String> exactlyOneOf(JsonNode schema) {
        List<String> fields = new ArrayList<>();
        for (JsonNode alt : schema.path("oneOf")) {
            JsonNode req = alt.path("required");
            if (alt.size() == 1 && req.size() == 1) {
                fields.add(req.get(0).asText());
            }
        }
        return List.copyOf(fields);
    }

    private record Contract(JsonSchema schema, List<String> exactlyOneOf) {
        void checkExactlyOneOf(JsonNode root, String scanId) throws EventDecodingException {
            if (exactlyOneOf.isEmpty()) {
                return;
            }
            List<String> present = exactlyOneOf.stream().filter(root::has).toList();
            if (present.size() != 1) {
                throw new EventDecodingException(ErrorCode.SCHEMA_VIOLATION, "$",
                        "exactly one of " + exactlyOneOf + " is required, got "
                                + (present.isEmpty() ? "neither" : "all of " + present), scanId);
            }
        }
    }

    private static ObjectMapper newMapper(int maxBytes) {
        JsonFactory json = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING)
                        .maxStringLength(maxBytes)
                        .maxNumberLength(64)
                        .build())
                // Duplicate keys let two readers see two different events in one document.
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        SimpleModule wireNames = new SimpleModule("brainseg-wire-names");
        wireNames.addSerializer(LabelConvention.class, new WireSerializer<>(LabelConvention.class, LabelConvention::id));
        wireNames.addDeserializer(LabelConvention.class, new WireDeserializer<>(LabelConvention.class, LabelConvention::parse));
        wireNames.addSerializer(Modality.class, new WireSerializer<>(Modality.class, Modality::key));
        wireNames.addDeserializer(Modality.class, new WireDeserializer<>(Modality.class, Modality::parse));
        return JsonMapper.builder(json)
                .addModule(new JavaTimeModule())
                .addModule(wireNames)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .build();
    }

    /** Writes an imaging enum by its event name ({@code brats2021}, {@code t1ce}). */
    private static final class WireSerializer<E> extends StdScalarSerializer<E> {
        private final transient Function<E, String> name;

        WireSerializer(Class<E> type, Function<E, String> name) {
            super(type);
            this.name = name;
        }

        @Override
        public void serialize(E value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(name.apply(value));
        }
    }

    /** Reads an imaging enum from its event name. */
    private static final class WireDeserializer<E> extends StdScalarDeserializer<E> {
        private final transient Function<String, E> parse;

        WireDeserializer(Class<E> type, Function<String, E> parse) {
            super(type);
            this.parse = parse;
        }

        @Override
        public E deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String s = p.getValueAsString();
            try {
                return parse.apply(s);
            } catch (IllegalArgumentException e) {
                return (E) ctxt.handleWeirdStringValue(handledType(), s, e.getMessage());
            }
        }
    }
}
