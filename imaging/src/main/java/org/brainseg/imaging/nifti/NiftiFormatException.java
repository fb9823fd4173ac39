package org.brainseg.imaging.nifti;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file that is not a NIfTI image brainseg can read. The message names the file and the header
 * field (or part of the file) at fault, so it can go straight into a ScanFailed event.
 */
public class NiftiFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String field;

    public NiftiFormatException(Path file, String field, String problem) {
        super(file + ": " + field + ": " + problem);
        this.field = field;
    }

    public NiftiFormatException(Path file, String field, String problem, Throwable cause) {
        super(file + ": " + field + ": " + problem, cause);
        this.field = field;
    }

    /** The header field or file part at fault, e.g. {@code dim}, {@code vox_offset}, {@code data}. */
    public String field() {
        return field;
    }
}
