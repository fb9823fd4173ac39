package org.brainseg.viewer.volume;

import java.io.IOException;

/** A volume the viewer cannot show, with a message fit for the page (no file path in it). */
public final class VolumeException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Why. */
    public enum Kind {
        /** The event names a file that is no longer there (deleted, store not mounted). */
        MISSING,
        /** Outside the roots, through a link out, or not a regular file. */
        REFUSED,
        /** Not NIfTI, truncated, or not on the scan's grid. */
        CORRUPT
    }

    private final Kind kind;

    public VolumeException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
