package org.brainseg.service.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The sectioned YAML configuration shared by the services' config loaders (each in its module's
 * {@code config} package: worker, trainer, viewer, PACS bridge): each owns a table of sections,
 * keys and defaults ({@code null}: required or unset) and maps the values to its typed records; this class reads the file, refuses unknown sections and
 * keys (so a typo cannot silently fall back to a default) and gives typed values, with the
 * environment overriding the file: {@code section.camelCaseKey} by
 * {@code BRAINSEG_SECTION_CAMEL_CASE_KEY} (see {@link #envName}), lists comma-separated, and Kafka
 * client properties by {@code BRAINSEG_KAFKA_PROPERTY_<NAME>} with dots as underscores. A dotted
 * key in the table ({@code http}'s {@code tls.certificate}) is a mapping nested in the section
 * ({@code http: {tls: {certificate: ...}}}), overridden by {@code BRAINSEG_HTTP_TLS_CERTIFICATE}. Every
 * bad value is a {@link ConfigException} naming the key.
 */
public final class ConfigFile {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String ENV_PREFIX = "BRAINSEG_";
    private static final String KAFKA_PROPERTY_PREFIX = "BRAINSEG_KAFKA_PROPERTY_";
    /** A config file is a page of YAML; anything much larger is not one. */
    static final long MAX_BYTES = 1 << 20;

    private final ObjectNode root;
    private final Map<String, Map<String, Object>> defaults;
    private final Map<String, String> env;

    private ConfigFile(ObjectNode root, Map<String, Map<String, Object>> defaults, Map<String, String> env) {
        this.root = root;
        this.defaults = defaults;
        this.env = env;
    }

    /**
     * Reads {@code file} ({@code null}: no file, only defaults and environment), checks every
     * section and key against {@code defaults}, and overlays {@code env}.
     */
    public static ConfigFile load(Path file, Map<String, Map<String, Object>> defaults, Map<String, String> env)
            throws IOException {
        return of(read(file), defaults, env);
    }

    private static ConfigFile of(ObjectNode root, Map<String, Map<String, Object>> defaults, Map<String, String> env) {
        Iterator<String> sections = root.fieldNames();
        while (sections.hasNext()) {
            String s = sections.next();
            if (!defaults.containsKey(s)) {
                throw new ConfigException(s, "unknown section (known: " + defaults.keySet() + ")");
            }
            JsonNode sec = root.get(s);
            if (sec.isNull()) {
                continue; // "section:" with nothing under it: all defaults
            }
            if (!sec.isObject()) {
                throw new ConfigException(s, "must be a mapping");
            }
            Iterator<String> keys = sec.fieldNames();
            while (keys.hasNext()) {
                String k = keys.next();
                if (defaults.get(s).containsKey(k)) {
                    continue;
                }
                JsonNode sub = sec.get(k);
                if (sub.isObject() && defaults.get(s).keySet().stream().anyMatch(d -> d.startsWith(k + "."))) {
                    sub.fieldNames().forEachRemaining(c -> {
                        if (!defaults.get(s).containsKey(k + "." + c)) {
                            throw new ConfigException(s + "." + k + "." + c, "unknown key (known: " + defaults.get(s).keySet() + ")");
                        }
                    });
                    continue;
                }
                if (sub.isNull() && defaults.get(s).keySet().stream().anyMatch(d -> d.startsWith(k + "."))) {
                    continue; // "tls:" with nothing under it: all defaults
                }
                throw new ConfigException(s + "." + k, "unknown key (known: " + defaults.get(s).keySet() + ")");
            }
        }
        return new ConfigFile(root, defaults, env);
    }

    private static ObjectNode read(Path file) throws IOException {
        if (file == null) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (Files.size(file) > MAX_BYTES) {
            throw new ConfigException(file.toString(), "larger than " + MAX_BYTES + " bytes: not a configuration file");
        }
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            // SnakeYAML's message spans several lines with a caret drawing: keep its first line and the position
            String first = String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("").strip();
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw new ConfigException(file.toString(), "not valid YAML" + where + ": " + first);
        } catch (MalformedInputException e) {
            throw new ConfigException(file.toString(), "not UTF-8 text");
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (!root.isObject()) {
            throw new ConfigException(file.toString(), "must be a YAML mapping of sections");
        }
        return (ObjectNode) root;
    }

    /** A defaults row: alternating key and default value, in the order help text lists them. */
    public static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /**
     * The environment variable that overrides {@code section.key}, both in snake case:
     * {@code kafka.bootstrapServers} by {@code BRAINSEG_KAFKA_BOOTSTRAP_SERVERS},
     * {@code autoRetrain.afterLabelledScans} by {@code BRAINSEG_AUTO_RETRAIN_AFTER_LABELLED_SCANS}.
     */
    public static String envName(String section, String key) {
        return ENV_PREFIX + snake(section) + "_" + snake(key);
    }

    private static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_').toUpperCase(Locale.ROOT);
    }

    /** Every {@code section.key} of a defaults table, in its order. */
    public static Set<String> keys(Map<String, Map<String, Object>> defaults) {
        Set<String> keys = new LinkedHashSet<>();
        defaults.forEach((s, m) -> m.keySet().forEach(k -> keys.add(s + "." + k)));
        return keys;
    }

    /**
     * {@code kafka.transactionalId}, or when unset {@code prefix} and this host's name, so that
     * each replica (a pod: {@code HOSTNAME}) gets its own id across restarts.
     */
    public String transactionalId(String prefix) {
        String id = string("kafka", "transactionalId");
        return id == null ? prefix + hostname() : id;
    }

    private String hostname() {
        String h = env.get("HOSTNAME");
        if (h != null && !h.isBlank()) {
            return h;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "local";
        }
    }

    private String raw(String section, String key) {
        String e = env.get(envName(section, key));
        if (e != null) {
            return e;
        }
        JsonNode n = node(section, key);
        if (n.isMissingNode() || n.isNull()) {
            Object d = defaults.get(section).get(key);
            return d == null ? null : String.valueOf(d);
        }
        if (n.isContainerNode()) {
            throw new ConfigException(section + "." + key, "must be a single value");
        }
        return n.asText();
    }

    /** The node of {@code section.key}; a dotted key ({@code tls.certificate}) is a nested mapping. */
    private JsonNode node(String section, String key) {
        JsonNode n = root.path(section);
        for (String part : key.split("\\.")) {
            n = n.path(part);
        }
        return n;
    }

    public String string(String s, String k) {
        return raw(s, k);
    }

    public int integer(String s, String k) {
        return number(s, k, "an integer", Integer::parseInt);
    }

    public long longInteger(String s, String k) {
        return number(s, k, "an integer", Long::parseLong);
    }

    /** A finite number. */
    public double decimal(String s, String k) {
        return number(s, k, "a number", r -> {
            double d = Double.parseDouble(r);
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        });
    }

    /** {@code section.key} parsed (trimmed) by {@code parse}; unset or unparsable: "must be WHAT". */
    private <T> T number(String s, String k, String what, Function<String, T> parse) {
        String r = raw(s, k);
        try {
            return parse.apply(r.trim());
        } catch (NumberFormatException | NullPointerException e) {
            throw new ConfigException(s + "." + k, "must be " + what + ", got " + quote(r));
        }
    }

    public boolean bool(String s, String k) {
        String r = raw(s, k);
        if ("true".equalsIgnoreCase(r) || "false".equalsIgnoreCase(r)) {
            return Boolean.parseBoolean(r);
        }
        throw new ConfigException(s + "." + k, "must be true or false, got " + quote(r));
    }

    /** A path, or {@code null} when unset or blank. */
    public Path path(String s, String k) {
        String r = raw(s, k);
        return r == null || r.isBlank() ? null : toPath(s + "." + k, r);
    }

    /** Turns {@code value} into a path, or names {@code key} if the platform cannot have such a path. */
    public static Path toPath(String key, String value) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new ConfigException(key, "not a valid path: " + e.getReason());
        }
    }

    /** A path or a YAML list of paths; from the environment, comma-separated. Empty when unset. */
    public List<Path> paths(String s, String k) {
        String key = s + "." + k;
        String e = env.get(envName(s, k));
        List<Path> out = new ArrayList<>();
        if (e != null) {
            for (String p : e.split(",")) {
                if (!p.isBlank()) {
                    out.add(toPath(key, p.trim()));
                }
            }
            return out;
        }
        JsonNode n = root.path(s).path(k);
        if (n.isTextual()) {
            out.add(toPath(key, n.asText()));
        } else if (n.isArray()) {
            for (JsonNode x : n) {
                if (!x.isTextual()) {
                    throw new ConfigException(key, "must be a list of paths");
                }
                out.add(toPath(key, x.asText()));
            }
        } else if (!n.isMissingNode() && !n.isNull()) {
            throw new ConfigException(key, "must be a path or a list of paths");
        }
        return out;
    }

    /**
     * The Kafka client properties: the mapping under {@code kafka.properties}, then every
     * {@code BRAINSEG_KAFKA_PROPERTY_<NAME>} variable as {@code name} with underscores as dots.
     */
    public Map<String, String> kafkaProperties() {
        JsonNode n = root.path("kafka").path("properties");
        Map<String, String> out = new LinkedHashMap<>();
        if (!n.isMissingNode() && !n.isNull()) {
            if (!n.isObject()) {
                throw new ConfigException("kafka.properties", "must be a mapping of Kafka client properties");
            }
            n.fields().forEachRemaining(x -> {
                if (x.getValue().isContainerNode()) {
                    throw new ConfigException("kafka.properties." + x.getKey(), "must be a single value");
                }
                out.put(x.getKey(), x.getValue().asText());
            });
        }
        env.forEach((k, v) -> {
            if (k.startsWith(KAFKA_PROPERTY_PREFIX)) {
                out.put(k.substring(KAFKA_PROPERTY_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), v);
            }
        });
        return out;
    }

    private static String quote(String r) {
        return r == null ? "nothing" : "'" + r + "'";
    }
}
