package org.brainseg.model.infer;

/**
 * The network produced NaN or infinite class probabilities for a scan. Its argmax would be an
 * arbitrary (usually empty) mask, so no mask is made: the worker reports the scan as failed with
 * {@code NUMERIC_ERROR} instead of publishing a wrong segmentation.
 */
public final class NonFiniteOutputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NonFiniteOutputException(String message) {
        super(message);
    }
}
