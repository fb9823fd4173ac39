package org.brainseg.worker.model;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.brainseg.service.store.FileUris;

/**
 * The model registry directory a following worker may load versions from. An artifact URI is
 * accepted only if it is a local {@code file:} URI ({@link FileUris}) naming a directory under the
 * root both as written (the root as configured or resolved) and after resolving symbolic links: an event cannot make the worker load
 * (or probe) files elsewhere, in the spirit of the scan store's input roots.
 */
public final class RegistryRoot {
    private final Path root;
    private final Path configured;

    /**
     * @param root the registry directory (must exist)
     * @throws IllegalArgumentException when it is not a directory
     */
    public RegistryRoot(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("model.registryRoot " + root + " is not a directory");
        }
        this.root = root.toRealPath();
        this.configured = root.toAbsolutePath().normalize();
    }

    public Path path() {
        return root;
    }

    /**
     * The version directory an artifact URI names.
     *
     * @throws ModelRefusedException naming the URI and why it is not acceptable
     */
    public Path resolve(URI artifactUri) throws ModelRefusedException {
        Path p;
        try {
            p = FileUris.localPath(artifactUri == null ? null : artifactUri.toString());
        } catch (IllegalArgumentException e) {
            throw new ModelRefusedException("artifactUri " + artifactUri + ": " + e.getMessage());
        }
        Path written = p.normalize();
        if (!written.startsWith(root) && !written.startsWith(configured)) {
            throw new ModelRefusedException("artifactUri " + artifactUri + " is outside the model registry " + root);
        }
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new ModelRefusedException("artifactUri " + artifactUri + ": no such directory");
        }
        Path real;
        try {
            real = p.toRealPath();
        } catch (IOException e) {
            throw new ModelRefusedException("artifactUri " + artifactUri + ": cannot resolve (" + e.getMessage() + ")");
        }
        if (!real.startsWith(root)) {
            throw new ModelRefusedException("artifactUri " + artifactUri + " resolves through a symbolic link to " + real
                    + ", outside the model registry " + root);
        }
        if (!Files.isDirectory(real)) {
            throw new ModelRefusedException("artifactUri " + artifactUri + " is not a directory");
        }
        return real;
    }
}
