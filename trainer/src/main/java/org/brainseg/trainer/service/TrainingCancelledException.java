package org.brainseg.trainer.service;

/** Thrown from the training listener when the service stops mid-training: the request is left uncommitted. */
public final class TrainingCancelledException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TrainingCancelledException(String message) {
        super(message);
    }
}
