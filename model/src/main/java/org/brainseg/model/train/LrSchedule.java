package org.brainseg.model.train;

import java.util.Locale;

/** Learning-rate decay over the run. */
public enum LrSchedule {
    /** (1 − t/T)^0.9, as nnU-Net. */
    POLY,
    /** Half a cosine from the initial rate to 0. */
    COSINE;

    public static LrSchedule parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown learning-rate schedule '" + s + "' (expected poly or cosine)", e);
        }
    }
}
