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

    /** The only schema version this build reads and writes. */
    int SCHEMA_VERSION = 1;

    /** Unique id of this event, for idempotence and tracing. */
    UUID eventId();
}
