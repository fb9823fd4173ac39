package org.brainseg.trainer.registry;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.brainseg.imaging.io.FileTrees;
import org.brainseg.schemas.RegistryLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model registry on a file system: {@code <root>/<name>/<version>/}, one directory per model
 * version (params + model.json), versions positive and monotonic per name.
 *
 * <p>A version is never half-written and never overwritten: {@link #publish} copies the trained
 * model into a hidden temporary directory beside the versions, then renames it to the next free
 * version number; a rename onto an existing version fails, and the next number is tried, so two
 * trainers publishing at once get distinct versions. Temporary directories a crash left behind
 * are not versions, and {@link #cleanTemporary} removes them.
 */
public final class ModelRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);
    /** Model names become directory names. */
    public static final Pattern NAME = RegistryLayout.NAME;
    private static final String TMP_PREFIX = RegistryLayout.TEMPORARY_PREFIX;

    private final Path root;
    private final RegistryLayout layout;

    public ModelRegistry(Path root) throws IOException {
        this.root = Files.createDirectories(root);
        this.layout = new RegistryLayout(this.root);
    }

    public Path root() {
        return root;
    }

    /** The directory of a version (whether or not it exists). */
    public Path path(String name, int version) {
        return layout.versionDirectory(name, version);
    }

    /** The published versions of a model, ascending. */
    public List<Integer> versions(String name) throws IOException {
        return layout.versions(name);
    }

    /** The highest published version, 0 when there is none. */
    public int latest(String name) throws IOException {
        List<Integer> v = versions(name);
        return v.isEmpty() ? 0 : v.get(v.size() - 1);
    }

    /**
     * Publishes a copy of {@code modelDir} as the next version of {@code name} and returns that
     * version. The source is left untouched.
     */
    public int publish(String name, Path modelDir) throws IOException {
        if (!Files.isDirectory(modelDir)) {
            throw new IOException(modelDir + ": not a model directory");
        }
        try (Stream<Path> s = Files.list(modelDir)) {
            if (s.findAny().isEmpty()) {
                // an empty directory could be renamed over another empty one: never publish one
                throw new IOException(modelDir + ": empty, not a model directory");
            }
        }
        Path d = Files.createDirectories(dir(name));
        Path tmp = d.resolve(TMP_PREFIX + UUID.randomUUID());
        FileTrees.copy(modelDir, tmp, StandardCopyOption.COPY_ATTRIBUTES);
        try {
            for (int attempt = 0; attempt < 1000; attempt++) {
                int version = latest(name) + 1;
                Path target = d.resolve(Integer.toString(version));
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                    LOG.info("published {} version {} at {}", name, version, target);
                    return version;
                } catch (AtomicMoveNotSupportedException e) {
                    throw new IOException("the registry needs a file system with atomic rename: " + root, e);
                } catch (FileSystemException e) {
                    // rename(2) onto an existing version fails (ENOTEMPTY, reported as a plain
                    // FileSystemException): another publisher took this number; try the next one
                    if (!Files.exists(target)) {
                        throw e;
                    }
                }
            }
            throw new IOException("could not find a free version for " + name);
        } finally {
            FileTrees.delete(tmp);
        }
    }

    /**
     * Deletes all versions but the {@code keepLatest} newest and those in {@code keep} (e.g. the
     * active one); returns the versions deleted.
     */
    public List<Integer> prune(String name, int keepLatest, Set<Integer> keep) throws IOException {
        if (keepLatest < 1) {
            throw new IllegalArgumentException("keepLatest must be at least 1, got " + keepLatest);
        }
        List<Integer> all = versions(name);
        List<Integer> deleted = new ArrayList<>();
        for (int i = 0; i < all.size() - keepLatest; i++) {
            int v = all.get(i);
            if (!keep.contains(v)) {
                // rename away first, so that a reader never sees a half-deleted version
                Path gone = dir(name).resolve(TMP_PREFIX + "deleted-" + v + "-" + UUID.randomUUID());
                Files.move(path(name, v), gone, StandardCopyOption.ATOMIC_MOVE);
                FileTrees.delete(gone);
                deleted.add(v);
            }
        }
        return deleted;
    }

    /**
     * A fresh, empty scratch directory beside the versions of {@code name} (a training run writes
     * its checkpoints there before {@link #publish}); never a version, and removed by
     * {@link #cleanTemporary} if a crash leaves it behind.
     */
    public Path newWorkDirectory(String name) throws IOException {
        return Files.createDirectories(dir(name).resolve(TMP_PREFIX + "work-" + UUID.randomUUID()));
    }

    /** Deletes a directory tree (a work directory after publishing); nothing if it does not exist. */
    public static void delete(Path dir) throws IOException {
        FileTrees.delete(dir);
    }

    /** Removes temporary directories that interrupted publications or deletions left. */
    public int cleanTemporary(String name) throws IOException {
        Path d = dir(name);
        if (!Files.isDirectory(d)) {
            return 0;
        }
        List<Path> tmps;
        try (Stream<Path> s = Files.list(d)) {
            tmps = s.filter(RegistryLayout::isTemporary).toList();
        }
        for (Path t : tmps) {
            FileTrees.delete(t);
        }
        return tmps.size();
    }

    private Path dir(String name) {
        return layout.modelDirectory(name);
    }
}
