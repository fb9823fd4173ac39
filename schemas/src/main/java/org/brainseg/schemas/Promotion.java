package org.brainseg.schemas;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.brainseg.imaging.EnumNames;

/** What the trainer does with the version it produced. */
public enum Promotion {
    /** Activate it if it validates better than the active version. */
    AUTO("auto"),
    /** Keep it as a candidate. */
    NEVER("never"),
    /** Activate it regardless of validation. */
    FORCE("force");

    private final String wire;

    Promotion(String wire) {
        this.wire = wire;
    }

    /** The value used in events and on the command line. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** Parses a wire value (case-insensitive). */
    @JsonCreator
    public static Promotion parse(String value) {
        return EnumNames.parse(values(), Promotion::wire, "promotion", value);
    }

    @Override
    public String toString() {
        return wire;
    }
}
