package org.brainseg.trainer.service;

import com.fasterxml.jackson.annotation.JsonValue;
import org.brainseg.schemas.ModelStatus;

/**
 * How a training request ended: the {@code outcome} of /v1/status and of the
 * {@code brainseg_training_runs_total} counter (every outcome but {@link #DUPLICATE}, which trains
 * nothing).
 */
public enum TrainingOutcome {
    /** Trained and made the active version. */
    PROMOTED("promoted"),
    /** Trained and lost the promotion gate. */
    REJECTED("rejected"),
    /** Trained and kept as a candidate ({@code promotion: never}). */
    CANDIDATE("candidate"),
    /** Not served: a bad request, a missing dataset, a training that failed. */
    FAILED("failed"),
    /** A request id already published: nothing trained, nothing published. */
    DUPLICATE("duplicate");

    private final String wire;

    TrainingOutcome(String wire) {
        this.wire = wire;
    }

    /** The value in /v1/status and in the counter's {@code outcome} tag. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** Whether {@code brainseg_training_runs_total} counts it. */
    public boolean counted() {
        return this != DUPLICATE;
    }

    /** The outcome of a published version with this status. */
    public static TrainingOutcome of(ModelStatus status) {
        return switch (status) {
            case ACTIVE -> PROMOTED;
            case REJECTED -> REJECTED;
            default -> CANDIDATE;
        };
    }

    @Override
    public String toString() {
        return wire;
    }
}
