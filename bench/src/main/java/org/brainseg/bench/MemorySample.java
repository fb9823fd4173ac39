package org.brainseg.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.brainseg.model.engine.EngineSettings;

/**
 * The process's memory after {@code scans} committed scans: resident set size ({@code VmRSS}, Java
 * heap and PyTorch's native memory together), Java heap in use, and the NDArrays alive in DJL's
 * PyTorch engine (every array attached to a manager under the engine's system manager: model
 * parameters plus anything a scan left behind). Flat across hundreds of scans means no leak.
 */
public record MemorySample(int scans, double rssMb, double heapUsedMb, int liveNdArrays) {
    private static final Path STATUS = Path.of("/proc/self/status");

    /** Samples now; {@code scans} is the count the caller has seen committed. */
    public static MemorySample take(int scans) {
        Runtime rt = Runtime.getRuntime();
        return new MemorySample(scans, currentRssMb(), (rt.totalMemory() - rt.freeMemory()) / 1e6, countLiveNdArrays());
    }

    /** Current resident set size in MB, or NaN where {@code /proc} is unavailable. */
    static double currentRssMb() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring("VmRSS:".length()).replace("kB", "").strip()) * 1024 / 1e6;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    /** NDArrays attached to any manager below the PyTorch engine's system manager. */
    static int countLiveNdArrays() {
        NDManager probe = NDManager.newBaseManager(Device.cpu(), EngineSettings.ENGINE);
        try (probe) {
            return probe.getParentManager().getManagedArrays().size();
        }
    }
}
