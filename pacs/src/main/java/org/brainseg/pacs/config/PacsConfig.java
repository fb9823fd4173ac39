package org.brainseg.pacs.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.pacs.rules.SeriesRules;
import org.brainseg.service.config.ConfigException;
import org.brainseg.service.config.HttpSection;

/**
 * The PACS bridge's configuration, validated at construction; each part names its key when wrong.
 *
 * @param kafka   where the topics are, and the bridge's transactional id and consumer group
 * @param orthanc the PACS: URL, credentials, timeouts
 * @param store   where converted NIfTI go (inside the worker's input roots) and the feed position is kept
 * @param series  the series rules and size limits
 * @param results whether SegmentationCompleted events are turned into DICOM SEG
 * @param http    where {@code /metrics} and {@code /health/*} are served, TLS or not, with a token or not
 */
public record PacsConfig(Kafka kafka, Orthanc orthanc, Store store, Series series, Results results, HttpSection http) {
    public PacsConfig {
        if (results.enabled() && store.maskRoots().isEmpty()) {
            throw new ConfigException("store.maskRoots", "is required while results.enabled is true: the workers' store.outputRoot");
        }
    }

    /**
     * A bridge on this machine (the demo's and the tests'): the default series rules, size limits and
     * results, HTTP on the loopback address at any free port.
     */
    public static PacsConfig local(Kafka kafka, Orthanc orthanc, Store store) {
        return new PacsConfig(kafka, orthanc, store, Series.defaults(), Results.defaults(), new HttpSection("127.0.0.1", 0));
    }

    /** This configuration with other series rules and limits. */
    public PacsConfig withSeries(Series other) {
        return new PacsConfig(kafka, orthanc, store, other, results, http);
    }

    public record Kafka(String bootstrapServers, String transactionalId, String groupId, Map<String, String> properties) {
        public Kafka {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new ConfigException("kafka.bootstrapServers", "is required");
            }
            if (transactionalId == null || transactionalId.isBlank()) {
                throw new ConfigException("kafka.transactionalId", "is required");
            }
            if (groupId == null || groupId.isBlank()) {
                throw new ConfigException("kafka.groupId", "is required");
            }
            properties = Map.copyOf(properties);
        }
    }

    /**
     * @param url           Orthanc's REST root, http or https
     * @param username      HTTP basic user, or null for none
     * @param password      its password (from the file or BRAINSEG_ORTHANC_PASSWORD); never printed
     * @param caCertificate a PEM file of the CA to trust for https, or null for the JVM's trust store
     * @param timeout       bound of each request
     * @param pollInterval  wait between polls of the change feed once it is read to its end
     * @param dicomWebRoot  the DICOMweb root relative to {@code url} (e.g. {@code dicom-web/}): series are read with
     *                      QIDO-RS and WADO-RS and the SEG stored with STOW-RS; null: Orthanc's REST API
     */
    public record Orthanc(URI url, String username, @JsonIgnore String password, Path caCertificate, @JsonIgnore Duration timeout,
            @JsonIgnore Duration pollInterval, String dicomWebRoot) {
        /** Orthanc's REST API for everything. */
        public Orthanc(URI url, String username, String password, Path caCertificate, Duration timeout, Duration pollInterval) {
            this(url, username, password, caCertificate, timeout, pollInterval, null);
        }

        public Orthanc {
            if (url == null || url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https"))
                    || url.getHost() == null) {
                throw new ConfigException("orthanc.url", "must be an http:// or https:// URL, got " + url);
            }
            if (url.getUserInfo() != null) {
                throw new ConfigException("orthanc.url", "must not carry credentials: set orthanc.username and orthanc.password");
            }
            if (username != null && username.isBlank()) {
                username = null;
            }
            if (username != null && (password == null || password.isEmpty())) {
                throw new ConfigException("orthanc.password", "is required with orthanc.username (or BRAINSEG_ORTHANC_PASSWORD)");
            }
            if (username != null && username.contains(":")) {
                throw new ConfigException("orthanc.username", "must not contain ':'");
            }
            if (dicomWebRoot != null && dicomWebRoot.isBlank()) {
                dicomWebRoot = null;
            }
            if (dicomWebRoot != null && (dicomWebRoot.startsWith("/") || dicomWebRoot.contains("://") || dicomWebRoot.contains(".."))) {
                throw new ConfigException("orthanc.dicomWebRoot", "must be a path relative to orthanc.url, e.g. dicom-web/, got "
                        + dicomWebRoot);
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new ConfigException("orthanc.timeoutSeconds", "must be positive");
            }
            if (pollInterval.isNegative() || pollInterval.isZero()) {
                throw new ConfigException("orthanc.pollIntervalMs", "must be positive");
            }
        }

        /** What {@code --check} prints instead of the password. */
        @JsonProperty("password")
        public String passwordShown() {
            return password == null ? null : "***";
        }

        @JsonProperty("timeoutSeconds")
        public long timeoutSeconds() {
            return timeout.toSeconds();
        }

        @JsonProperty("pollIntervalMs")
        public long pollIntervalMs() {
            return pollInterval.toMillis();
        }

        /** Never shows the password. */
        @Override
        public String toString() {
            return "Orthanc[url=" + url + ", username=" + username + ", password=" + (password == null ? "none" : "***")
                    + ", caCertificate=" + caCertificate + ", timeout=" + timeout + ", pollInterval=" + pollInterval
                    + ", dicomWebRoot=" + dicomWebRoot + "]";
        }
    }

    /**
     * @param inputDir     where the converted NIfTI are written: inside the workers' store.inputRoots
     * @param positionFile the durable feed position
     * @param maskRoots    directories masks may be read from (the workers' store.outputRoot); a mask URI outside is refused
     */
    public record Store(Path inputDir, Path positionFile, List<Path> maskRoots) {
        public Store {
            maskRoots = maskRoots == null ? List.of() : List.copyOf(maskRoots);
            if (inputDir == null) {
                throw new ConfigException("store.inputDir", "is required: a directory inside the worker's store.inputRoots");
            }
            if (positionFile == null) {
                throw new ConfigException("store.positionFile", "is required: where the change feed position is kept");
            }
        }
    }

    public record Series(Map<Modality, String> rules, int maxSlices, long maxVoxels) {
        public static final int DEFAULT_MAX_SLICES = 1024;
        public static final long DEFAULT_MAX_VOXELS = 64L << 20;

        /** The default series rules and size limits. */
        public static Series defaults() {
            return new Series(SeriesRules.DEFAULTS, DEFAULT_MAX_SLICES, DEFAULT_MAX_VOXELS);
        }

        public Series {
            if (maxSlices < 2) {
                throw new ConfigException("series.maxSlices", "must be at least 2, got " + maxSlices);
            }
            if (maxVoxels < 8) {
                throw new ConfigException("series.maxVoxels", "must be at least 8, got " + maxVoxels);
            }
            rules = Map.copyOf(rules);
        }
    }

    public record Results(boolean enabled, int seriesNumber) {
        public static final int DEFAULT_SERIES_NUMBER = 9901;

        /** SEGs go back to the PACS, as series number {@value #DEFAULT_SERIES_NUMBER}. */
        public static Results defaults() {
            return new Results(true, DEFAULT_SERIES_NUMBER);
        }

        public Results {
            if (seriesNumber < 1) {
                throw new ConfigException("results.seriesNumber", "must be positive, got " + seriesNumber);
            }
        }
    }

}
