package org.brainseg.cli.command;

import org.brainseg.model.engine.DeviceChoice;
import org.brainseg.model.engine.EngineSettings;
import picocli.CommandLine.Option;

/** {@code --device} and {@code --threads}: where PyTorch runs and with how many intra-op threads. */
public final class EngineOptions {
    @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu or auto (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--threads", defaultValue = "0", description = "Intra-op threads; 0 = one per core (default).")
    int threads;

    /** The engine these options name. */
    EngineSettings settings() {
        return EngineSettings.of(DeviceChoice.parse(device), threads);
    }
}
