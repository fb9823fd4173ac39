package org.brainseg.viewer.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.brainseg.service.config.ConfigException;

/**
 * The viewer's configuration, validated at construction; each part names its key when wrong.
 *
 * @param kafka where the topics are
 * @param store the directories volumes and masks may be read from (the worker's input roots and output root)
 * @param http where the pages, {@code /metrics} and {@code /health/*} are served
 * @param maxScans scans kept in the index; beyond it the earliest arrival is forgotten
 */
public record ViewerConfig(Kafka kafka, Store store, Http http, int maxScans) {
    public ViewerConfig {
        if (maxScans < 1) {
            throw new ConfigException("index.maxScans", "must be at least 1, got " + maxScans);
        }
    }

    /** Kafka bootstrap servers and client properties (security.protocol, ssl.*, sasl.*). */
    public record Kafka(String bootstrapServers, Map<String, String> properties) {
        public Kafka {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new ConfigException("kafka.bootstrapServers", "is required");
            }
            properties = Map.copyOf(properties);
        }
    }

    /** Directories (existing) the viewer may read from. */
    public record Store(List<Path> roots) {
        public Store {
            if (roots == null || roots.isEmpty()) {
                throw new ConfigException("store.roots", "at least one directory is needed: where the scans and masks are");
            }
            roots = List.copyOf(roots);
        }
    }

    public record Http(String host, int port) {
        public Http {
            if (port < 0 || port > 65535) {
                throw new ConfigException("http.port", "must be 0 to 65535, got " + port);
            }
        }
    }

    /** The URL people open (the loopback address when listening on all interfaces). */
    public String url(int actualPort) {
        String h = http.host().equals("0.0.0.0") || http.host().equals("::") ? "127.0.0.1" : http.host();
        return "http://" + h + ":" + actualPort + "/";
    }
}
