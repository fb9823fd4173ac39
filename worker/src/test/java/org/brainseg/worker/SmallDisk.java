package org.brainseg.worker;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A size-limited tmpfs mounted over a directory for the duration of a test: a real file system that
 * runs out of space (ENOSPC), not a mock of one. Mounting needs root (CAP_SYS_ADMIN), which the
 * build machines and CI have; elsewhere the test is skipped with the reason.
 */
final class SmallDisk implements AutoCloseable {
    private final Path dir;
    private Path filler;

    private SmallDisk(Path dir) {
        this.dir = dir;
    }

    /** Mounts a tmpfs of {@code bytes} over {@code dir} (created if missing), or skips the test saying why. */
    static SmallDisk mount(Path dir, long bytes) throws Exception {
        Files.createDirectories(dir);
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + bytes, "tmpfs", dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        boolean done = p.waitFor(30, TimeUnit.SECONDS);
        Assumptions.assumeTrue(done && p.exitValue() == 0,
                "cannot mount a size-limited tmpfs here (needs root with CAP_SYS_ADMIN): " + out);
        return new SmallDisk(dir);
    }

    /** Fills the file system with one file until the kernel says no space is left; returns the bytes written. */
    long fill() throws IOException {
        filler = dir.resolve("filler.bin");
        byte[] block = new byte[4096];
        long written = 0;
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
                written += block.length;
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left")) {
                throw full;
            }
        }
        return written;
    }

    /** Removes what {@link #fill} wrote: the space returns. */
    void free() throws IOException {
        if (filler != null) {
            Files.deleteIfExists(filler);
        }
    }

    @Override
    public void close() throws Exception {
        Process p = new ProcessBuilder("umount", "-l", dir.toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        p.waitFor(30, TimeUnit.SECONDS);
    }
}
