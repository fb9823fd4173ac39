package org.brainseg.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's peak resident set size ({@code VmHWM} in {@code /proc/self/status}): Java heap,
 * PyTorch's native allocations and everything else, since the process started. Being per process,
 * one benchmark configuration per process gives comparable numbers.
 */
public final class PeakRss {
    private static final Path STATUS = Path.of("/proc/self/status");

    private PeakRss() {}

    /** Peak RSS in MB (10^6 bytes), or NaN where {@code /proc} is unavailable (not Linux). */
    public static double megabytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmHWM:")) {
                    String kb = line.substring("VmHWM:".length()).replace("kB", "").strip();
                    return Long.parseLong(kb) * 1024 / 1e6;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
