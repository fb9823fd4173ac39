package org.brainseg.trainer.config;

import static org.brainseg.service.config.ConfigFile.ordered;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.brainseg.service.config.ConfigException;
import org.brainseg.service.config.ConfigFile;
import org.brainseg.service.config.HttpSection;
import org.brainseg.service.config.KafkaSection;

/**
 * Reads a {@link TrainerConfig} from YAML the way the worker's {@code WorkerConfigLoader} does, through
 * the shared {@link ConfigFile}: then environment overrides ({@code section.camelCaseKey} by
 * {@code BRAINSEG_SECTION_CAMEL_CASE_KEY}, lists comma-separated, Kafka client properties by
 * {@code BRAINSEG_KAFKA_PROPERTY_<NAME>}); unknown sections and keys are errors, so a typo cannot
 * silently fall back to a default. This class owns the trainer's keys, their defaults and the
 * mapping to {@link TrainerConfig}.
 */
public final class TrainerConfigLoader {
    /** Every section and key with its default ({@code null}: required or unset). */
    private static final Map<String, Map<String, Object>> DEFAULTS = defaults();

    private TrainerConfigLoader() {}

    private static Map<String, Map<String, Object>> defaults() {
        Map<String, Map<String, Object>> d = new LinkedHashMap<>();
        d.put("kafka", ordered("bootstrapServers", null, "groupId", "brainseg-trainer", "transactionalId", null,
                "maxPollIntervalMs", 300_000, "properties", Map.of()));
        d.put("registry", ordered("root", null, "modelName", "brainseg", "keepLatest", 5, "seedShippedModel", true));
        d.put("promotion", ordered("tolerance", 0.01));
        d.put("holdOut", ordered("fraction", 0.2, "seed", 0));
        d.put("training", ordered("spacingMm", 2.0, "patch", 64, "depth", 3, "baseWidth", 16, "batch", 2,
                "stepsPerEpoch", 50, "learningRate", 0.001, "epochs", 20, "normalization", "layer", "seed", 42,
                "device", "auto", "threads", 0));
        d.put("autoRetrain", ordered("afterLabelledScans", 0, "datasetUri", null));
        d.put("data", ordered("roots", null));
        d.put("http", HttpSection.defaults("127.0.0.1", 8081));
        return d;
    }

    public static TrainerConfig load(Path file) throws IOException {
        return load(file, System.getenv());
    }

    public static TrainerConfig load(Path file, Map<String, String> env) throws IOException {
        return map(ConfigFile.load(file, DEFAULTS, env));
    }

    private static TrainerConfig map(ConfigFile v) {
        return new TrainerConfig(
                KafkaSection.read(v, "brainseg-trainer-"),
                new TrainerConfig.Registry(v.path("registry", "root"), v.string("registry", "modelName"),
                        v.integer("registry", "keepLatest"), v.bool("registry", "seedShippedModel")),
                new TrainerConfig.Gate(v.decimal("promotion", "tolerance")),
                new TrainerConfig.HoldOut(v.decimal("holdOut", "fraction"), v.longInteger("holdOut", "seed")),
                new TrainerConfig.Training(v.decimal("training", "spacingMm"), v.integer("training", "patch"),
                        v.integer("training", "depth"), v.integer("training", "baseWidth"), v.integer("training", "batch"),
                        v.integer("training", "stepsPerEpoch"), v.decimal("training", "learningRate"),
                        v.integer("training", "epochs"), v.string("training", "normalization"),
                        v.longInteger("training", "seed"), v.string("training", "device"), v.integer("training", "threads")),
                new TrainerConfig.AutoRetrain(v.integer("autoRetrain", "afterLabelledScans"),
                        datasetUri(v, "autoRetrain", "datasetUri")),
                new TrainerConfig.Data(v.paths("data", "roots")),
                HttpSection.read(v));
    }

    /** A URI, or a plain path taken as a {@code file:} URI; {@code null} when unset. */
    private static URI datasetUri(ConfigFile v, String s, String k) {
        String r = v.string(s, k);
        if (r == null || r.isBlank()) {
            return null;
        }
        try {
            URI u = new URI(r.trim());
            return u.getScheme() == null ? ConfigFile.toPath(s + "." + k, r.trim()).toAbsolutePath().normalize().toUri() : u;
        } catch (URISyntaxException e) {
            throw new ConfigException(s + "." + k, "not a URI or path: '" + r + "'");
        }
    }

    /**
     * The environment variable that overrides {@code section.key}: the worker's convention, with
     * two-word sections in snake case too ({@code autoRetrain.afterLabelledScans} by
     * {@code BRAINSEG_AUTO_RETRAIN_AFTER_LABELLED_SCANS}).
     */
    public static String envName(String section, String key) {
        return ConfigFile.envName(section, key);
    }

    /** All documented keys, for help text and tests. */
    public static Set<String> keys() {
        return ConfigFile.keys(DEFAULTS);
    }
}
