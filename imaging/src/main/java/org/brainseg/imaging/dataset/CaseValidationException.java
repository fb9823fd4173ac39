package org.brainseg.imaging.dataset;

import java.io.IOException;

/** A case whose files are readable but unusable together; the message names the case and file. */
public class CaseValidationException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String code;

    public CaseValidationException(String code, String message) {
        super(message);
        this.code = code;
    }

    /** A short machine-readable reason, e.g. {@code GEOMETRY_MISMATCH}, {@code LABEL_OUT_OF_RANGE}. */
    public String code() {
        return code;
    }
}
