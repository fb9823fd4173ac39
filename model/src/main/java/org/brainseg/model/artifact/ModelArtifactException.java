package org.brainseg.model.artifact;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A model directory that cannot be used: missing or unreadable files, invalid model.json, a
 * params file whose checksum or layout does not match. The message names the file and, for
 * model.json, the field.
 */
public class ModelArtifactException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public ModelArtifactException(Path file, String message) {
        super(file + ": " + message);
        this.file = file;
    }

    public ModelArtifactException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
        this.file = file;
    }

    /** The file (or directory) at fault. */
    public Path file() {
        return file;
    }
}
