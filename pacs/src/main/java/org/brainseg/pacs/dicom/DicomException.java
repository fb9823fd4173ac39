package org.brainseg.pacs.dicom;

import org.brainseg.schemas.ErrorCode;

/** A study or series that cannot be used, with the failure code it is reported under. */
public final class DicomException extends Exception {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;

    public DicomException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
