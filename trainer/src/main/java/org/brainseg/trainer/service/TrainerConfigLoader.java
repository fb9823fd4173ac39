package org.brainseg.trainer.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.brainseg.worker.config.ConfigException;
import org.brainseg.worker.config.ConfigLoader;

/**
 * Reads a {@link TrainerConfig} from YAML the way the worker's {@link ConfigLoader} does: then
 * environment overrides ({@code section.camelCaseKey} by {@code BRAINSEG_SECTION_CAMEL_CASE_KEY},
 * lists comma-separated, Kafka client properties by {@code BRAINSEG_KAFKA_PROPERTY_<NAME>});
 * unknown sections and keys are errors, so a typo cannot silently fall back to a default.
 */
public final class TrainerConfigLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String KAFKA_PROPERTY_PREFIX = "BRAINSEG_KAFKA_PROPERTY_";
    /** A config file is a page of YAML; anything much larger is not one. */
    private static final long MAX_BYTES = 1 << 20;

    /** Every section and key with its default ({@code null}: required or unset). */
    private static final Map<String, Map<String, Object>> DEFAULTS = defaults();

    private TrainerConfigLoader() {}

    private static Map<String, Map<String, Object>> defaults() {
        Map<String, Map<String, Object>> d = new LinkedHashMap<>();
        d.put("kafka", ordered("bootstrapServers", null, "groupId", "brainseg-trainer", "transactionalId", null,
                "maxPollIntervalMs", 300_000, "properties", Map.of()));
        d.put("registry", ordered("root", null, "modelName", "brainseg", "keepLatest", 5));
        d.put("promotion", ordered("tolerance", 0.01));
        d.put("holdOut", ordered("fraction", 0.2, "seed", 0));
        d.put("training", ordered("spacingMm", 2.0, "patch", 64, "depth", 3, "baseWidth", 8, "batch", 2,
                "stepsPerEpoch", 50, "learningRate", 0.001, "epochs", 20, "normalization", "layer", "seed", 42,
                "device", "auto", "threads", 0));
        d.put("autoRetrain", ordered("afterLabelledScans", 0, "datasetUri", null));
        d.put("data", ordered("roots", null));
        d.put("http", ordered("host", "127.0.0.1", "port", 8081));
        return d;
    }

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    public static TrainerConfig load(Path file) throws IOException {
        return load(file, System.getenv());
    }

    public static TrainerConfig load(Path file, Map<String, String> env) throws IOException {
        JsonNode root;
        if (file != null && Files.size(file) > MAX_BYTES) {
            throw new ConfigException(file.toString(), "larger than " + MAX_BYTES + " bytes: not a configuration file");
        }
        try {
            root = file == null ? JsonNodeFactory.instance.objectNode() : YAML.readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            String first = String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("").strip();
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw new ConfigException(String.valueOf(file), "not valid YAML" + where + ": " + first);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new ConfigException(String.valueOf(file), "not UTF-8 text");
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            root = JsonNodeFactory.instance.objectNode();
        }
        if (!root.isObject()) {
            throw new ConfigException(String.valueOf(file), "must be a YAML mapping of sections");
        }
        return parse((ObjectNode) root, env);
    }

    static TrainerConfig parse(ObjectNode root, Map<String, String> env) {
        Iterator<String> sections = root.fieldNames();
        while (sections.hasNext()) {
            String s = sections.next();
            if (!DEFAULTS.containsKey(s)) {
                throw new ConfigException(s, "unknown section (known: " + DEFAULTS.keySet() + ")");
            }
            JsonNode sec = root.get(s);
            if (sec.isNull()) {
                continue;
            }
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
        return new TrainerConfig(
                new TrainerConfig.Kafka(v.string("kafka", "bootstrapServers"), v.string("kafka", "groupId"),
                        txId == null ? "brainseg-trainer-" + hostname(env) : txId, v.integer("kafka", "maxPollIntervalMs"),
                        kafkaProps),
                new TrainerConfig.Registry(v.path("registry", "root"), v.string("registry", "modelName"),
                        v.integer("registry", "keepLatest")),
                new TrainerConfig.Gate(v.decimal("promotion", "tolerance")),
                new TrainerConfig.HoldOut(v.decimal("holdOut", "fraction"), v.longInteger("holdOut", "seed")),
                new TrainerConfig.Training(v.decimal("training", "spacingMm"), v.integer("training", "patch"),
                        v.integer("training", "depth"), v.integer("training", "baseWidth"), v.integer("training", "batch"),
                        v.integer("training", "stepsPerEpoch"), v.decimal("training", "learningRate"),
                        v.integer("training", "epochs"), v.string("training", "normalization"),
                        v.longInteger("training", "seed"), v.string("training", "device"), v.integer("training", "threads")),
                new TrainerConfig.AutoRetrain(v.integer("autoRetrain", "afterLabelledScans"),
                        v.datasetUri("autoRetrain", "datasetUri")),
                new TrainerConfig.Data(v.paths("data", "roots")),
                new TrainerConfig.Http(v.string("http", "host"), v.integer("http", "port")));
    }

    /** The environment variable that overrides {@code section.key} (the worker's convention). */
    public static String envName(String section, String key) {
        return ConfigLoader.envName(section, key);
    }

    /** All documented keys, for help text and tests. */
    public static Set<String> keys() {
        Set<String> keys = new LinkedHashSet<>();
        DEFAULTS.forEach((s, m) -> m.keySet().forEach(k -> keys.add(s + "." + k)));
        return keys;
    }

    private static String hostname(Map<String, String> env) {
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

        long longInteger(String s, String k) {
            String r = raw(s, k);
            try {
                return Long.parseLong(r.trim());
            } catch (NumberFormatException | NullPointerException e) {
                throw new ConfigException(s + "." + k, "must be an integer, got " + quote(r));
            }
        }

        double decimal(String s, String k) {
            String r = raw(s, k);
            try {
                double d = Double.parseDouble(r.trim());
                if (!Double.isFinite(d)) {
                    throw new NumberFormatException();
                }
                return d;
            } catch (NumberFormatException | NullPointerException e) {
                throw new ConfigException(s + "." + k, "must be a number, got " + quote(r));
            }
        }

        Path path(String s, String k) {
            String r = raw(s, k);
            return r == null || r.isBlank() ? null : Path.of(r);
        }

        URI datasetUri(String s, String k) {
            String r = raw(s, k);
            if (r == null || r.isBlank()) {
                return null;
            }
            try {
                URI u = new URI(r.trim());
                return u.getScheme() == null ? Path.of(r.trim()).toAbsolutePath().normalize().toUri() : u;
            } catch (URISyntaxException e) {
                throw new ConfigException(s + "." + k, "not a URI or path: " + quote(r));
            }
        }

        List<Path> paths(String s, String k) {
            String e = env.get(envName(s, k));
            List<Path> out = new ArrayList<>();
            if (e != null) {
                for (String p : e.split(",")) {
                    if (!p.isBlank()) {
                        out.add(Path.of(p.trim()));
                    }
                }
                return out;
            }
            JsonNode n = root.path(s).path(k);
            if (n.isTextual()) {
                out.add(Path.of(n.asText()));
            } else if (n.isArray()) {
                for (JsonNode x : n) {
                    if (!x.isTextual()) {
                        throw new ConfigException(s + "." + k, "must be a list of paths");
                    }
                    out.add(Path.of(x.asText()));
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
            n.fields().forEachRemaining(x -> {
                if (x.getValue().isContainerNode()) {
                    throw new ConfigException(s + "." + k + "." + x.getKey(), "must be a single value");
                }
                out.put(x.getKey(), x.getValue().asText());
            });
            return out;
        }

        private static String quote(String r) {
            return r == null ? "nothing" : "'" + r + "'";
        }
    }
}
