package org.brainseg.pacs.config;

import static org.brainseg.service.config.ConfigFile.ordered;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.pacs.rules.SeriesRules;
import org.brainseg.service.config.ConfigException;
import org.brainseg.service.config.ConfigFile;
import org.brainseg.service.config.HttpSection;

/**
 * Reads a {@link PacsConfig} from YAML through the services' shared {@link ConfigFile}: unknown
 * sections and keys are errors, and {@code BRAINSEG_<SECTION>_<KEY>} overrides any key (the
 * password by {@code BRAINSEG_ORTHANC_PASSWORD}, which keeps it out of the file).
 */
public final class PacsConfigLoader {
    private static final Map<String, Map<String, Object>> DEFAULTS = defaults();

    private PacsConfigLoader() {}

    private static Map<String, Map<String, Object>> defaults() {
        Map<String, Map<String, Object>> d = new LinkedHashMap<>();
        d.put("kafka", ordered("bootstrapServers", "localhost:9092", "transactionalId", null, "groupId", "brainseg-pacs",
                "properties", Map.of()));
        d.put("orthanc", ordered("url", "http://localhost:8042", "username", null, "password", null, "caCertificate", null,
                "timeoutSeconds", 30, "pollIntervalMs", 1000, "dicomWebRoot", null));
        d.put("store", ordered("inputDir", null, "positionFile", null, "maskRoots", null));
        d.put("series", ordered("t1", SeriesRules.DEFAULTS.get(Modality.T1), "t1ce", SeriesRules.DEFAULTS.get(Modality.T1CE),
                "t2", SeriesRules.DEFAULTS.get(Modality.T2), "flair", SeriesRules.DEFAULTS.get(Modality.FLAIR),
                "maxSlices", PacsConfig.Series.DEFAULT_MAX_SLICES, "maxVoxels", PacsConfig.Series.DEFAULT_MAX_VOXELS));
        d.put("results", ordered("enabled", true, "seriesNumber", PacsConfig.Results.DEFAULT_SERIES_NUMBER));
        d.put("http", HttpSection.defaults("127.0.0.1", 8093));
        return d;
    }

    public static PacsConfig load(Path file) throws IOException {
        return load(file, System.getenv());
    }

    public static PacsConfig load(Path file, Map<String, String> env) throws IOException {
        ConfigFile v = ConfigFile.load(file, DEFAULTS, env);
        Map<Modality, String> rules = new EnumMap<>(Modality.class);
        for (Modality m : Modality.values()) {
            rules.put(m, v.string("series", m.key()));
        }
        try {
            new SeriesRules(rules);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage().substring(0, e.getMessage().indexOf(':')),
                    e.getMessage().substring(e.getMessage().indexOf(':') + 2));
        }
        return new PacsConfig(
                new PacsConfig.Kafka(v.string("kafka", "bootstrapServers"), v.transactionalId("brainseg-pacs-"),
                        v.string("kafka", "groupId"), v.kafkaProperties()),
                new PacsConfig.Orthanc(uri(v.string("orthanc", "url")), v.string("orthanc", "username"),
                        v.string("orthanc", "password"), v.path("orthanc", "caCertificate"),
                        Duration.ofSeconds(v.integer("orthanc", "timeoutSeconds")),
                        Duration.ofMillis(v.integer("orthanc", "pollIntervalMs")), v.string("orthanc", "dicomWebRoot")),
                new PacsConfig.Store(v.path("store", "inputDir"), v.path("store", "positionFile"), v.paths("store", "maskRoots")),
                new PacsConfig.Series(rules, v.integer("series", "maxSlices"), v.longInteger("series", "maxVoxels")),
                new PacsConfig.Results(v.bool("results", "enabled"), v.integer("results", "seriesNumber")),
                HttpSection.read(v));
    }

    private static URI uri(String s) {
        try {
            return new URI(s);
        } catch (URISyntaxException | NullPointerException e) {
            throw new ConfigException("orthanc.url", "not a URL: " + s);
        }
    }

    /** All keys, for help text and tests. */
    public static Set<String> keys() {
        return ConfigFile.keys(DEFAULTS);
    }
}
