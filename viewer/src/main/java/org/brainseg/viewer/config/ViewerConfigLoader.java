package org.brainseg.viewer.config;

import static org.brainseg.service.config.ConfigFile.ordered;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.brainseg.service.config.ConfigFile;
import org.brainseg.service.config.HttpSection;

/**
 * Reads a {@link ViewerConfig} from YAML through the services' shared {@link ConfigFile}: unknown
 * sections and keys are errors, and {@code BRAINSEG_<SECTION>_<KEY>} overrides any key (lists
 * comma-separated, Kafka client properties by {@code BRAINSEG_KAFKA_PROPERTY_<NAME>}).
 */
public final class ViewerConfigLoader {
    private static final Map<String, Map<String, Object>> DEFAULTS = defaults();

    private ViewerConfigLoader() {}

    private static Map<String, Map<String, Object>> defaults() {
        Map<String, Map<String, Object>> d = new LinkedHashMap<>();
        d.put("kafka", ordered("bootstrapServers", "localhost:9092", "properties", Map.of()));
        d.put("store", ordered("roots", null));
        d.put("http", HttpSection.defaults("127.0.0.1", 8090));
        d.put("index", ordered("maxScans", 100_000));
        d.put("auth", ordered("mode", "none", "issuer", "", "clientId", "", "clientSecretFile", "", "publicUrl", "",
                "audience", "", "requiredGroup", "", "groupsClaim", "groups", "subjectClaim", "sub",
                "proxyUserHeader", "X-Forwarded-User", "proxySecretFile", ""));
        return d;
    }

    /**
     * Command-line values that win over the file and the environment; null (empty) fields leave
     * the configured value.
     */
    public record Overrides(String bootstrapServers, Map<String, String> properties, Integer port, List<Path> roots) {
        public static final Overrides NONE = new Overrides(null, Map.of(), null, List.of());
    }

    /** {@code file} null: defaults and environment only. */
    public static ViewerConfig load(Path file, Map<String, String> env) throws IOException {
        return load(file, env, Overrides.NONE);
    }

    public static ViewerConfig load(Path file, Map<String, String> env, Overrides o) throws IOException {
        ConfigFile v = ConfigFile.load(file, DEFAULTS, env);
        List<Path> roots = o.roots().isEmpty() ? v.paths("store", "roots") : o.roots();
        Map<String, String> props = new LinkedHashMap<>(v.kafkaProperties());
        props.putAll(o.properties());
        String bootstrap = o.bootstrapServers() != null ? o.bootstrapServers() : v.string("kafka", "bootstrapServers");
        int port = o.port() != null ? o.port() : v.integer("http", "port");
        ViewerConfig config = new ViewerConfig(new ViewerConfig.Kafka(bootstrap, props),
                new ViewerConfig.Store(roots),
                new ViewerConfig.Http(v.string("http", "host"), port, HttpSection.tls(v), HttpSection.metricsTokenFile(v)),
                v.integer("index", "maxScans"), auth(v));
        config.auth().checkSecretFiles();
        return config;
    }

    private static ViewerConfig.Auth auth(ConfigFile v) {
        return new ViewerConfig.Auth(ViewerConfig.AuthMode.parse(v.string("auth", "mode")), v.string("auth", "issuer"),
                v.string("auth", "clientId"), v.path("auth", "clientSecretFile"), v.string("auth", "publicUrl"),
                v.string("auth", "audience"), v.string("auth", "requiredGroup"), v.string("auth", "groupsClaim"),
                v.string("auth", "subjectClaim"), v.string("auth", "proxyUserHeader"), v.path("auth", "proxySecretFile"));
    }

    public static ViewerConfig load(Path file) throws IOException {
        return load(file, System.getenv());
    }

    /** All keys, for help text and tests. */
    public static Set<String> keys() {
        return ConfigFile.keys(DEFAULTS);
    }
}
