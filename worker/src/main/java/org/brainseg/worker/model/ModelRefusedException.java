package org.brainseg.worker.model;

/**
 * A published model version the worker will not serve: its artifact lies outside the registry,
 * does not match the event (checksum, architecture, normalization), does not load, or fails the
 * warm-up inference. The message is the reason, as logged and shown in {@code /v1/status}.
 */
public final class ModelRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    public ModelRefusedException(String reason) {
        super(reason);
    }

    public ModelRefusedException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
