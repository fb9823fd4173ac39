package org.brainseg.schemas;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Normalization layer of a model, as named in events and on the command line (DESIGN.md, Model). */
public enum Normalization {
    /** The paper's baseline, no normalization. */
    NONE("none"),
    /** Layer normalization over (C, D, H, W) per sample, per-channel affine (GroupNorm with one group); the default. */
    LAYER("layer"),
    /** Per voxel across channels (Keras LayerNormalization on channels-last). */
    LAYER_CHANNEL("layer-channel"),
    /** Instance normalization. */
    INSTANCE("instance"),
    /** Group normalization, 8 groups. */
    GROUP("group"),
    /** Batch normalization. */
    BATCH("batch");

    private final String wire;

    Normalization(String wire) {
        this.wire = wire;
    }

    /** The value used in events and on the command line. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** Parses a wire value (case-insensitive). */
    @JsonCreator
    public static Normalization parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (Normalization x : values()) {
            if (x.wire.equals(v)) {
                return x;
            }
        }
        throw new IllegalArgumentException("unknown normalization '" + value + "'");
    }

    @Override
    public String toString() {
        return wire;
    }
}
