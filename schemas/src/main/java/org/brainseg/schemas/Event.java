package org.brainseg.schemas;

import java.util.UUID;

/**
 * A brainseg event: an immutable record, named in the past tense, encoded as JSON by
 * {@link EventCodec} with {@code schemaVersion} and validated against its JSON Schema
 * ({@code schemas/<SimpleName>.schema.json} on the class path).
 */
public sealed interface Event
        permits ScanArrived, SegmentationCompleted, DiceReported, ScanFailed, TrainingRequested,
        ModelVersionPublished {

    /**
     * The schema version this build writes. It reads every version from
     * {@link #OLDEST_READABLE_VERSION} up to this one: a version adds only optional fields, so an
     * event of an older version is a valid event of this one. Version 2 added
     * {@code SegmentationCompleted.model} and {@code quality}, and {@code ModelVersionPublished.source}
     * for models imported from elsewhere (whose {@code normalization}, {@code architecture.depth},
     * {@code architecture.baseWidth} and {@code validation.loss} may be absent).
     */
    int SCHEMA_VERSION = 2;

    /** The oldest schema version this build still reads. */
    int OLDEST_READABLE_VERSION = 1;

    /** Unique id of this event, for idempotence and tracing. */
    UUID eventId();
}
