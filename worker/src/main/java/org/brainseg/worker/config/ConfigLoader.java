package org.brainseg.worker.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a {@link WorkerConfig} from a YAML file, then applies environment overrides: the key
 * {@code section.camelCaseKey} is overridden by {@code BRAINSEG_SECTION_CAMEL_CASE_KEY} (e.g.
 * {@code kafka.bootstrapServers} by {@code BRAINSEG_KAFKA_BOOTSTRAP_SERVERS}); list values are
 * comma-separated; Kafka client properties by {@code BRAINSEG_KAFKA_PROPERTY_<NAME>} with dots as
 * underscores ({@code BRAINSEG_KAFKA_PROPERTY_SASL_MECHANISM}). Unknown keys are errors, so a typo
 * cannot silently fall back to a default.
 */
public final class ConfigLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String ENV_PREFIX = "BRAINSEG_";
    private static final String KAFKA_PROPERTY_PREFIX = "BRAINSEG_KAFKA_PROPERTY_";

    /** Every section and key with its default ({@code null}: required). */
    private static final Map<String, Map<String, Object>> DEFAULTS = defaults();

    private ConfigLoader() {}

    private static Map<String, Map<String, Object>> defaults() {
        Map<String, Map<String, Object>> d = new LinkedHashMap<>();
        d.put("kafka", ordered("bootstrapServers", null, "groupId", "brainseg-workers", "transactionalId", null,
                "maxPollIntervalMs", 600_000, "properties", Map.of()));
        d.put("store", ordered("inputRoots", null, "outputRoot", null));
        d.put("model", ordered("name", "brainseg", "registryRoot", null, "directory", null, "device", "auto"));
        d.put("inference", ordered("threads", 1, "maxInFlight", 2, "tta", false, "intraOpThreads", 0));
        d.put("http", ordered("host", "127.0.0.1", "port", 8080));
        d.put("retry", ordered("maxAttempts", 5, "initialBackoffMs", 200, "maxBackoffMs", 10_000));
        return d;
    }

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    public static WorkerConfig load(Path file) throws IOException {
        return load(file, System.getenv());
    }

    public static WorkerConfig load(Path file, Map<String, String> env) throws IOException {
        JsonNode root;
        try {
            root = file == null ? JsonNodeFactory.instance.objectNode() : YAML.readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            // SnakeYAML's message spans several lines with a caret drawing: keep its first line and the position
            String first = String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("").strip();
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw new ConfigException(String.valueOf(file), "not valid YAML" + where + ": " + first);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            root = JsonNodeFactory.instance.objectNode();
        }
        if (!root.isObject()) {
            throw new ConfigException(String.valueOf(file), "must be a YAML mapping of sections");
        }
        return parse((ObjectNode) root, env);
    }

    static WorkerConfig parse(ObjectNode root, Map<String, String> env) {
        Iterator<String> sections = root.fieldNames();
        while (sections.hasNext()) {
            String s = sections.next();
            if (!DEFAULTS.containsKey(s)) {
                throw new ConfigException(s, "unknown section (known: " + DEFAULTS.keySet() + ")");
            }
            JsonNode sec = root.get(s);
            if (!sec.isObject()) {
                throw new ConfigException(s, "must be a mapping");
            }
            Iterator<String> keys = sec.fieldNames();
            while (keys.hasNext()) {
                String k = keys.next();
                if (!DEFAULTS.get(s).containsKey(k)) {
                    throw new ConfigException(s + "." + k, "unknown key (known: " + DEFAULTS.get(s).keySet() + ")");
                }
            }
        }
        Values v = new Values(root, env);
        Map<String, String> kafkaProps = new LinkedHashMap<>(v.map("kafka", "properties"));
        env.forEach((k, val) -> {
            if (k.startsWith(KAFKA_PROPERTY_PREFIX)) {
                kafkaProps.put(k.substring(KAFKA_PROPERTY_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), val);
            }
        });
        String txId = v.string("kafka", "transactionalId");
        return new WorkerConfig(
                new WorkerConfig.Kafka(v.string("kafka", "bootstrapServers"), v.string("kafka", "groupId"),
                        txId == null ? "brainseg-worker-" + hostname() : txId, v.integer("kafka", "maxPollIntervalMs"), kafkaProps),
                new WorkerConfig.Store(v.paths("store", "inputRoots"), v.path("store", "outputRoot")),
                new WorkerConfig.Model(v.string("model", "name"), v.path("model", "directory"), v.path("model", "registryRoot"),
                        v.string("model", "device")),
                new WorkerConfig.Inference(v.integer("inference", "threads"), v.integer("inference", "maxInFlight"),
                        v.bool("inference", "tta"), v.integer("inference", "intraOpThreads")),
                new WorkerConfig.Http(v.string("http", "host"), v.integer("http", "port")),
                new WorkerConfig.Retry(v.integer("retry", "maxAttempts"), v.integer("retry", "initialBackoffMs"),
                        v.integer("retry", "maxBackoffMs")));
    }

    /** The environment variable that overrides {@code section.key}. */
    public static String envName(String section, String key) {
        return ENV_PREFIX + section.toUpperCase(Locale.ROOT) + "_" + key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    /** All documented keys, for help text and tests. */
    public static Set<String> keys() {
        Set<String> keys = new java.util.LinkedHashSet<>();
        DEFAULTS.forEach((s, m) -> m.keySet().forEach(k -> keys.add(s + "." + k)));
        return keys;
    }

    private static String hostname() {
        String h = System.getenv("HOSTNAME");
        if (h != null && !h.isBlank()) {
            return h;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "local";
        }
    }

    /** Typed access to file values with environment overrides and defaults. */
    private record Values(ObjectNode root, Map<String, String> env) {
        private String raw(String section, String key) {
            String e = env.get(envName(section, key));
            if (e != null) {
                return e;
            }
            JsonNode n = root.path(section).path(key);
            if (n.isMissingNode() || n.isNull()) {
                Object d = DEFAULTS.get(section).get(key);
                return d == null ? null : String.valueOf(d);
            }
            if (n.isContainerNode()) {
                throw new ConfigException(section + "." + key, "must be a single value");
            }
            return n.asText();
        }

        String string(String s, String k) {
            return raw(s, k);
        }

        int integer(String s, String k) {
            String r = raw(s, k);
            try {
                return Integer.parseInt(r.trim());
            } catch (NumberFormatException | NullPointerException e) {
                throw new ConfigException(s + "." + k, "must be an integer, got " + quote(r));
            }
        }

        boolean bool(String s, String k) {
            String r = raw(s, k);
            if ("true".equalsIgnoreCase(r) || "false".equalsIgnoreCase(r)) {
                return Boolean.parseBoolean(r);
            }
            throw new ConfigException(s + "." + k, "must be true or false, got " + quote(r));
        }

        Path path(String s, String k) {
            String r = raw(s, k);
            return r == null || r.isBlank() ? null : toPath(s + "." + k, r);
        }

        private static Path toPath(String key, String r) {
            try {
                return Path.of(r);
            } catch (InvalidPathException e) {
                throw new ConfigException(key, "not a valid path: " + e.getReason());
            }
        }

        List<Path> paths(String s, String k) {
            String e = env.get(envName(s, k));
            List<Path> out = new ArrayList<>();
            if (e != null) {
                for (String p : e.split(",")) {
                    if (!p.isBlank()) {
                        out.add(toPath(s + "." + k, p.trim()));
                    }
                }
                return out;
            }
            JsonNode n = root.path(s).path(k);
            if (n.isTextual()) {
                out.add(toPath(s + "." + k, n.asText()));
            } else if (n.isArray()) {
                for (JsonNode x : n) {
                    if (!x.isTextual()) {
                        throw new ConfigException(s + "." + k, "must be a list of paths");
                    }
                    out.add(toPath(s + "." + k, x.asText()));
                }
            } else if (!n.isMissingNode() && !n.isNull()) {
                throw new ConfigException(s + "." + k, "must be a path or a list of paths");
            }
            return out;
        }

        Map<String, String> map(String s, String k) {
            JsonNode n = root.path(s).path(k);
            Map<String, String> out = new LinkedHashMap<>();
            if (n.isMissingNode() || n.isNull()) {
                return out;
            }
            if (!n.isObject()) {
                throw new ConfigException(s + "." + k, "must be a mapping of Kafka client properties");
            }
            n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
            return out;
        }

        private static String quote(String r) {
            return r == null ? "nothing" : "'" + r + "'";
        }
    }
}
