package org.brainseg.imaging.labels;

/**
 * The three tumour sub-regions, each one internal label value. Their wire names (in events, CSV
 * columns and tables) are written once, in the schemas module's {@code RegionValues}.
 */
public enum TumourLabel {
    EDEMA(2),
    NCR_NET(1),
    ENHANCING(3);

    private final int internal;

    TumourLabel(int internal) {
        this.internal = internal;
    }

    public int internal() {
        return internal;
    }
}
