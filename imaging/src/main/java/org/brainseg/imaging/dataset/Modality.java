package org.brainseg.imaging.dataset;

import org.brainseg.imaging.EnumNames;

/** The four MRI modalities, in brainseg's channel order (T1, T1ce, T2, FLAIR). */
public enum Modality {
    T1("t1"),
    T1CE("t1ce"),
    T2("t2"),
    FLAIR("flair");

    private final String key;

    Modality(String key) {
        this.key = key;
    }

    /** The key used in events and on the command line. */
    public String key() {
        return key;
    }

    public static Modality parse(String key) {
        return EnumNames.parse(values(), Modality::key, "modality", key);
    }
}
