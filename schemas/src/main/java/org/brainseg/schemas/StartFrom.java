package org.brainseg.schemas;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.brainseg.imaging.EnumNames;

/** Where a requested training starts. */
public enum StartFrom {
    /** Freshly initialized weights. */
    SCRATCH("scratch"),
    /**
     * The active version's weights (fine-tuning): a short budget improves the served model instead
     * of starting over. Falls back to scratch when no version is active.
     */
    ACTIVE("active");

    private final String wire;

    StartFrom(String wire) {
        this.wire = wire;
    }

    /** The value used in events and on the command line. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** Parses a wire value (case-insensitive). */
    @JsonCreator
    public static StartFrom parse(String value) {
        return EnumNames.parse(values(), StartFrom::wire, "start", value);
    }

    @Override
    public String toString() {
        return wire;
    }
}
