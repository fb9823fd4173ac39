package org.brainseg.schemas;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Life-cycle state of a model version in the registry; workers serve the active one. */
public enum ModelStatus {
    /** Trained, not serving. */
    CANDIDATE("candidate"),
    /** The version workers serve. */
    ACTIVE("active"),
    /** Refused (worse, or failed to load or verify). */
    REJECTED("rejected"),
    /** Replaced by a newer active version. */
    RETIRED("retired");

    private final String wire;

    ModelStatus(String wire) {
        this.wire = wire;
    }

    /** The value used in events and on the command line. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** Parses a wire value (case-insensitive). */
    @JsonCreator
    public static ModelStatus parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (ModelStatus x : values()) {
            if (x.wire.equals(v)) {
                return x;
            }
        }
        throw new IllegalArgumentException("unknown modelStatus '" + value + "'");
    }

    @Override
    public String toString() {
        return wire;
    }
}
