package org.brainseg.schemas;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * brainseg's Kafka topics in one place: name, event type, which field is the record key, and
 * the topic settings they are created with. Keys give per-scan ordering (all events of a scan
 * land in one partition) and make {@code brainseg.models} compactable per model version.
 */
public final class Topics {
    public static final String SCANS_ARRIVED = "brainseg.scans.arrived";
    public static final String SEGMENTATIONS = "brainseg.segmentations";
    public static final String DICE = "brainseg.dice";
    public static final String SCANS_FAILED = "brainseg.scans.failed";
    public static final String TRAINING_REQUESTS = "brainseg.training.requests";
    public static final String MODELS = "brainseg.models";

    /** Partitions of the input topic bound the worker parallelism; 6 leaves room to scale out. */
    public static final int DEFAULT_SCAN_PARTITIONS = 6;

    private static final List<Spec> ALL = List.of(
            new Spec(SCANS_ARRIVED, ScanArrived.class, "scanId", DEFAULT_SCAN_PARTITIONS, Map.of()),
            new Spec(SEGMENTATIONS, SegmentationCompleted.class, "scanId", DEFAULT_SCAN_PARTITIONS, Map.of()),
            new Spec(DICE, DiceReported.class, "scanId", DEFAULT_SCAN_PARTITIONS, Map.of()),
            // Failed inputs are kept for a month so that someone can look and replay.
            new Spec(SCANS_FAILED, ScanFailed.class, "scanId", 3, Map.of("retention.ms", "2592000000")),
            new Spec(TRAINING_REQUESTS, TrainingRequested.class, "requestId", 1, Map.of()),
            // One partition: a follower reads every model's history in order; keyed per version,
            // compaction keeps the latest state of every version forever (see ModelCatalog).
            new Spec(MODELS, ModelVersionPublished.class, "name@version", 1, Map.of("cleanup.policy", "compact")));

    private Topics() {
    }

    /**
     * One topic.
     *
     * @param name              topic name
     * @param eventType         the event it carries
     * @param keyField          the event field used as record key
     * @param defaultPartitions partitions it is created with unless told otherwise
     * @param configs           topic-level settings it is created with
     */
    public record Spec(String name, Class<? extends Event> eventType, String keyField, int defaultPartitions,
            Map<String, String> configs) {
        public Spec {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(eventType, "eventType");
            Objects.requireNonNull(keyField, "keyField");
            if (defaultPartitions < 1) {
                throw new IllegalArgumentException("defaultPartitions must be >= 1, got " + defaultPartitions);
            }
            configs = Map.copyOf(configs);
        }
    }

    /** Every brainseg topic, inputs first. */
    public static List<Spec> all() {
        return ALL;
    }

    /** The spec of a topic name; IllegalArgumentException when it is not a brainseg topic. */
    public static Spec byName(String topic) {
        for (Spec s : ALL) {
            if (s.name().equals(topic)) {
                return s;
            }
        }
        throw new IllegalArgumentException("not a brainseg topic: " + topic);
    }

    /** The topic an event type is published on. */
    public static Spec forEvent(Class<? extends Event> type) {
        for (Spec s : ALL) {
            if (s.eventType().equals(type)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no topic carries " + type.getName());
    }

    /** The record key of a model version on {@code brainseg.models}: {@code <name>@<version>}. */
    public static String modelKey(String name, int version) {
        return name + "@" + version;
    }

    /** The record key of an event: its {@link Spec#keyField()}; null only for a ScanFailed without scanId. */
    public static String key(Event event) {
        Objects.requireNonNull(event, "event");
        if (event instanceof ScanArrived e) {
            return e.scanId();
        } else if (event instanceof SegmentationCompleted e) {
            return e.scanId();
        } else if (event instanceof DiceReported e) {
            return e.scanId();
        } else if (event instanceof ScanFailed e) {
            return e.scanId();
        } else if (event instanceof TrainingRequested e) {
            return e.requestId();
        } else if (event instanceof ModelVersionPublished e) {
            return modelKey(e.name(), e.version());
        }
        throw new IllegalArgumentException("unknown event type " + event.getClass().getName());
    }
}
