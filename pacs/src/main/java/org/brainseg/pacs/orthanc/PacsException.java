package org.brainseg.pacs.orthanc;

import java.io.IOException;

/**
 * A request to the PACS failed: no answer ({@link #status()} 0), or an HTTP error status. The
 * message names the method and path, never the credentials.
 */
public final class PacsException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public PacsException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status, or 0 when the PACS did not answer. */
    public int status() {
        return status;
    }

    /** A resource that is not there (deleted meanwhile): skipping it is right, retrying is not. */
    public boolean notFound() {
        return status == 404;
    }

    /** The PACS understood the request and refuses it for good (400, 409, 413, 415, 422): retrying will not help. */
    public boolean rejected() {
        return status == 400 || status == 409 || status == 413 || status == 415 || status == 422;
    }

    /** Credentials refused or not allowed: a configuration error, not a fault to retry. */
    public boolean refused() {
        return status == 401 || status == 403;
    }
}
