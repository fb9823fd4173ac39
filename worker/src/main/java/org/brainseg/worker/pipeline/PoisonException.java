package org.brainseg.worker.pipeline;

import org.brainseg.schemas.ErrorCode;

/** Input that will never succeed, whatever the retries: goes straight to ScanFailed. */
final class PoisonException extends Exception {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    PoisonException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    ErrorCode code() {
        return code;
    }
}
