package org.brainseg.service.store;

import java.nio.file.Path;

/**
 * Where scan volumes are read from and masks written to. Events carry URIs, never volumes (the
 * claim-check pattern); the store decides which URIs may be read. Local files today; shared or
 * object storage can implement the same interface.
 */
public interface ScanStore {
    /** The readable regular file a URI names, after every check; throws for anything else. */
    Path resolveInput(String uri) throws StoreAccessException;

    /**
     * The deterministic mask path of a scan and model version: a redo after a crash overwrites
     * the same file rather than adding another.
     */
    Path maskPath(String scanId, int modelVersion);
}
