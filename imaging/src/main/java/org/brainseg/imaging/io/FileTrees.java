package org.brainseg.imaging.io;

import java.io.IOException;
import java.nio.file.CopyOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Copying and deleting whole directory trees (model versions, scratch and cache folders). */
public final class FileTrees {
    private FileTrees() {}

    /** Copies {@code from} and everything below it to {@code to}, directories first. */
    public static void copy(Path from, Path to, CopyOption... options) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, options);
                }
            }
        }
    }

    /** Deletes {@code dir} and everything below it, deepest first; nothing if it is absent. */
    public static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
