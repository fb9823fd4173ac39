package org.brainseg.pacs;

import org.brainseg.service.run.ServiceRunner;
import org.brainseg.pacs.config.PacsConfig;
import org.brainseg.pacs.config.PacsConfigLoader;

/**
 * Runs the PACS bridge until SIGTERM ({@link ServiceRunner}); {@code brainseg pacs-bridge} calls
 * {@link #run}.
 */
public final class PacsBridgeMain {
    private PacsBridgeMain() {}

    public static void main(String[] args) throws Exception {
        ServiceRunner.main("PacsBridgeMain", args, PacsConfigLoader::load, PacsBridgeMain::run);
    }

    /** Runs until stopped; returns the exit code. */
    public static int run(PacsConfig config) throws Exception {
        return ServiceRunner.run(onFatal -> PacsBridge.start(config, onFatal),
                "stopping the PACS bridge: finishing the study in hand, saving the feed position");
    }
}
