package org.brainseg.schemas;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.brainseg.imaging.EnumNames;

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
        return EnumNames.parse(values(), ModelStatus::wire, "modelStatus", value);
    }

    @Override
    public String toString() {
        return wire;
    }
}
