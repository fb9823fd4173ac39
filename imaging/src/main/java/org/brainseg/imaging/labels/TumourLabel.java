package org.brainseg.imaging.labels;

/** The three tumour sub-regions, each one internal label value; names as in the events. */
public enum TumourLabel {
    EDEMA("edema", 2),
    NCR_NET("ncrNet", 1),
    ENHANCING("enhancing", 3);

    private final String key;
    private final int internal;

    TumourLabel(String key, int internal) {
        this.key = key;
        this.internal = internal;
    }

    /** JSON key, e.g. {@code ncrNet}. */
    public String key() {
        return key;
    }

    public int internal() {
        return internal;
    }
}
