package org.brainseg.schemas;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The model registry's layout on disk, {@code <root>/<name>/<version>/} with the version a
 * positive decimal number, and {@code .tmp-*} beside the versions for what is being written or
 * deleted. It lives with the event contracts because it is one: the trainer writes it, workers
 * and the models admin read it, and {@link ModelVersionPublished#artifactUri()} points into it;
 * keeping it here lets every reader use it without the model's native engine.
 */
public final class RegistryLayout {
    /** Model names become directory names. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** Version directory names: 1, 2, ... */
    public static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,8}");
    /** The prefix of directories being written or deleted; never a version. */
    public static final String TEMPORARY_PREFIX = ".tmp-";
    /** The manifest every complete version directory holds (the model module's {@code ModelManifest.FILE_NAME}). */
    public static final String MANIFEST_FILE = "model.json";
    /**
     * The manifest of a version imported from elsewhere (a MONAI bundle or a TorchScript export):
     * its name, version and every file's SHA-256 (the model module's {@code BundleImport}).
     */
    public static final String IMPORT_MANIFEST_FILE = "import.json";

    private final Path root;

    public RegistryLayout(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /**
     * The directory holding the versions of {@code name}.
     *
     * @throws IllegalArgumentException when the name does not match {@link #NAME}
     */
    public Path modelDirectory(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("model name must match " + NAME.pattern() + ", got " + name);
        }
        return root.resolve(name);
    }

    /** The directory of a version (whether or not it exists). */
    public Path versionDirectory(String name, int version) {
        if (version < 1) {
            throw new IllegalArgumentException("version must be positive, got " + version);
        }
        return modelDirectory(name).resolve(Integer.toString(version));
    }

    /** The versions of {@code name} present as directories, ascending. */
    public List<Integer> versions(String name) throws IOException {
        Path d = modelDirectory(name);
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> VERSION.matcher(n).matches()).map(Integer::parseInt).sorted().toList();
        }
    }

    /** Whether a version directory is complete: it holds a native or an import manifest. */
    public static boolean isComplete(Path versionDirectory) {
        return Files.isRegularFile(versionDirectory.resolve(MANIFEST_FILE))
                || Files.isRegularFile(versionDirectory.resolve(IMPORT_MANIFEST_FILE));
    }

    /** Whether a directory beside the versions is a temporary one (see {@link #TEMPORARY_PREFIX}). */
    public static boolean isTemporary(Path p) {
        Path name = p.getFileName();
        return name != null && name.toString().startsWith(TEMPORARY_PREFIX);
    }

    /** The version a version directory stands for, from its name; empty when it is not one. */
    public static OptionalInt versionOf(Path versionDirectory) {
        Path name = versionDirectory.toAbsolutePath().normalize().getFileName();
        if (name == null || !VERSION.matcher(name.toString()).matches()) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(Integer.parseInt(name.toString()));
    }
}
