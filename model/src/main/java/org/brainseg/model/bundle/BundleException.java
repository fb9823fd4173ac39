package org.brainseg.model.bundle;

import java.nio.file.Path;
import org.brainseg.model.artifact.ModelArtifactException;

/**
 * A bundle or bare TorchScript folder brainseg cannot serve as it is: names the file and the field,
 * and says what to state (usually in the override file). A model-artifact problem like any other:
 * the import refuses it, a worker refuses the version and keeps the old one.
 */
public class BundleException extends ModelArtifactException {
    private static final long serialVersionUID = 1L;

    private final String field;

    public BundleException(Path file, String field, String message) {
        super(file, field == null || field.isEmpty() ? message : field + ": " + message);
        this.field = field == null ? "" : field;
    }

    /** The field at fault ("" for the file as a whole). */
    public String field() {
        return field;
    }
}
