package org.brainseg.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine's 1-minute load average ({@code /proc/loadavg}), printed beside every table measured on a shared machine. */
public final class LoadAverage {
    private LoadAverage() {}

    /** The 1-minute load average, or NaN where {@code /proc/loadavg} is unavailable. */
    public static double oneMinute() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
