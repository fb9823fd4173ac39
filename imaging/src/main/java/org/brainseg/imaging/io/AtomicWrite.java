package org.brainseg.imaging.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Writing a file whole or not at all: the one way brainseg writes masks, model files, previews,
 * registry records, the drop folder's and the PACS bridge's state.
 *
 * <p>The guarantee: after {@link #write} returns, {@code target} holds the new content and survives
 * a crash of the machine; if it throws (a full disk, a failing content writer), {@code target} is
 * what it was before and no temporary file is left. A reader never sees part of a file. How: the
 * content goes to a temporary file beside the target with a unique name (two writers of one target
 * never share it), is forced to disk, renamed over the target atomically (refused, not faked, on a
 * file system that cannot rename atomically), and the directory is forced so the rename itself is
 * durable.
 */
public final class AtomicWrite {
    /** Fills the temporary file it is given. */
    @FunctionalInterface
    public interface Content {
        void writeTo(Path tmp) throws IOException;
    }

    private AtomicWrite() {}

    /**
     * Writes {@code target} (creating its directory) through a temporary file that {@code content}
     * fills; the temporary file is removed if anything fails.
     */
    public static void write(Path target, Content content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            content.writeTo(tmp);
            force(tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            forceDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes {@code bytes} to {@code target} as {@link #write(Path, Content)} does. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, tmp -> Files.write(tmp, bytes));
    }

    private static void force(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /** Makes a rename in {@code dir} durable; a file system that cannot open a directory has nothing to force. */
    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // the rename is done and visible; only its durability across a power loss depends on the file system
        }
    }
}
