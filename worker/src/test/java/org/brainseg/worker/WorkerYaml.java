package org.brainseg.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A worker's YAML configuration as a deployment writes it, for the tests that run the worker as a
 * deployment does ({@code WorkerMain} on a file): one CPU inference thread, at most two scans in
 * flight, HTTP on any port, three attempts with short backoff.
 */
final class WorkerYaml {
    private final String bootstrap;
    private final String transactionalId;
    private final Path scans;
    private final Path masks;
    private final Path model;
    private String groupId;
    private Path registryRoot;
    private Integer maxPollIntervalMs;
    private final Map<String, String> kafkaProperties = new LinkedHashMap<>();

    private WorkerYaml(String bootstrap, String transactionalId, Path scans, Path masks, Path model) {
        this.bootstrap = bootstrap;
        this.transactionalId = transactionalId;
        this.scans = scans;
        this.masks = masks;
        this.model = model;
    }

    static WorkerYaml of(String bootstrap, String transactionalId, Path scans, Path masks, Path model) {
        return new WorkerYaml(bootstrap, transactionalId, scans, masks, model);
    }

    WorkerYaml groupId(String id) {
        groupId = id;
        return this;
    }

    /** Follow brainseg.models and load versions from {@code root} instead of serving one model directory. */
    WorkerYaml following(Path root) {
        registryRoot = root;
        return this;
    }

    WorkerYaml maxPollIntervalMs(int ms) {
        maxPollIntervalMs = ms;
        return this;
    }

    /** A Kafka client property ({@code kafka.properties}). */
    WorkerYaml kafkaProperty(String name, String value) {
        kafkaProperties.put(name, value);
        return this;
    }

    String text() {
        List<String> l = new ArrayList<>(List.of("kafka:", "  bootstrapServers: " + bootstrap));
        if (groupId != null) {
            l.add("  groupId: " + groupId);
        }
        l.add("  transactionalId: " + transactionalId);
        if (maxPollIntervalMs != null) {
            l.add("  maxPollIntervalMs: " + maxPollIntervalMs);
        }
        if (!kafkaProperties.isEmpty()) {
            l.add("  properties:");
            kafkaProperties.forEach((k, v) -> l.add("    " + k + ": " + v));
        }
        l.addAll(List.of("store:", "  inputRoots: [" + scans + "]", "  outputRoot: " + masks,
                "model:", registryRoot == null ? "  directory: " + model : "  registryRoot: " + registryRoot, "  device: cpu",
                "inference:", "  threads: 1", "  maxInFlight: 2", "  intraOpThreads: 1",
                "http:", "  port: 0",
                "retry:", "  maxAttempts: 3", "  initialBackoffMs: 20", "  maxBackoffMs: 200", ""));
        return String.join("\n", l);
    }

    /** Writes the file (and creates the mask root); returns the file. */
    Path write(Path file) throws IOException {
        Files.createDirectories(masks);
        return Files.writeString(file, text());
    }
}
