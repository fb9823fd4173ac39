package org.brainseg.worker.config;

import static org.brainseg.service.config.ConfigFile.ordered;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.brainseg.service.config.ConfigFile;
import org.brainseg.service.config.HttpSection;
import org.brainseg.service.config.KafkaSection;

/**
 * Reads a {@link WorkerConfig} from a YAML file, then applies environment overrides: the key
 * {@code section.camelCaseKey} is overridden by {@code BRAINSEG_SECTION_CAMEL_CASE_KEY} (e.g.
 * {@code kafka.bootstrapServers} by {@code BRAINSEG_KAFKA_BOOTSTRAP_SERVERS}); list values are
 * comma-separated; Kafka client properties by {@code BRAINSEG_KAFKA_PROPERTY_<NAME>} with dots as
 * underscores ({@code BRAINSEG_KAFKA_PROPERTY_SASL_MECHANISM}). Unknown keys are errors, so a typo
 * cannot silently fall back to a default. The reading and checking is {@link ConfigFile}'s; this
 * class owns the worker's keys, their defaults and the mapping to {@link WorkerConfig}.
 */
public final class WorkerConfigLoader {
    /** Every section and key with its default ({@code null}: required). */
    private static final Map<String, Map<String, Object>> DEFAULTS = defaults();

    private WorkerConfigLoader() {}

    private static Map<String, Map<String, Object>> defaults() {
        Map<String, Map<String, Object>> d = new LinkedHashMap<>();
        d.put("kafka", ordered("bootstrapServers", null, "groupId", "brainseg-workers", "transactionalId", null,
                "maxPollIntervalMs", 600_000, "properties", Map.of()));
        d.put("store", ordered("inputRoots", null, "outputRoot", null));
        d.put("model", ordered("name", "brainseg", "registryRoot", null, "directory", null, "device", "auto"));
        d.put("inference", ordered("threads", 1, "maxInFlight", 2, "tta", false, "intraOpThreads", 0,
                "quality", true, "reviewBelowWt", 0.8));
        d.put("http", HttpSection.defaults("127.0.0.1", 8080));
        d.put("retry", ordered("maxAttempts", 5, "initialBackoffMs", 200, "maxBackoffMs", 10_000));
        return d;
    }

    public static WorkerConfig load(Path file) throws IOException {
        return load(file, System.getenv());
    }

    public static WorkerConfig load(Path file, Map<String, String> env) throws IOException {
        return map(ConfigFile.load(file, DEFAULTS, env));
    }

    private static WorkerConfig map(ConfigFile v) {
        return new WorkerConfig(
                KafkaSection.read(v, "brainseg-worker-"),
                new WorkerConfig.Store(v.paths("store", "inputRoots"), v.path("store", "outputRoot")),
                new WorkerConfig.Model(v.string("model", "name"), v.path("model", "directory"), v.path("model", "registryRoot"),
                        v.string("model", "device")),
                new WorkerConfig.Inference(v.integer("inference", "threads"), v.integer("inference", "maxInFlight"),
                        v.bool("inference", "tta"), v.integer("inference", "intraOpThreads"), v.bool("inference", "quality"),
                        v.decimal("inference", "reviewBelowWt")),
                HttpSection.read(v),
                new WorkerConfig.Retry(v.integer("retry", "maxAttempts"), v.integer("retry", "initialBackoffMs"),
                        v.integer("retry", "maxBackoffMs")));
    }

    /** The environment variable that overrides {@code section.key} (see {@link ConfigFile#envName}). */
    public static String envName(String section, String key) {
        return ConfigFile.envName(section, key);
    }

    /** All documented keys, for help text and tests. */
    public static Set<String> keys() {
        return ConfigFile.keys(DEFAULTS);
    }
}
