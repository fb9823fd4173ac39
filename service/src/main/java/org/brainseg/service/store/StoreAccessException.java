package org.brainseg.service.store;

import java.io.IOException;

/** A URI the worker will not or cannot read; poison input, never retried. */
public class StoreAccessException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Why access was refused; the codes go into ScanFailed events. */
    public enum Reason {
        /** Not a {@code file:} URI, malformed, relative, with {@code ..}, or outside the allowed roots. */
        URI_NOT_ALLOWED,
        /** Nothing at that path. */
        FILE_MISSING,
        /** A directory, device, FIFO or socket. */
        NOT_A_FILE
    }

    private final Reason reason;

    public StoreAccessException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
