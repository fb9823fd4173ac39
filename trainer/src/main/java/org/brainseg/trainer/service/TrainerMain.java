package org.brainseg.trainer.service;

import org.brainseg.service.run.ServiceRunner;
import org.brainseg.trainer.config.TrainerConfig;
import org.brainseg.trainer.config.TrainerConfigLoader;

/**
 * Runs a trainer until SIGTERM (a run in progress is abandoned uncommitted and redone after the
 * next start) or a fatal error (exit code 3, for the orchestrator to restart it).
 * {@code brainseg trainer} calls {@link #run}; container images may use this class directly.
 */
public final class TrainerMain {
    private TrainerMain() {}

    public static void main(String[] args) throws Exception {
        ServiceRunner.main("TrainerMain", args, TrainerConfigLoader::load, TrainerMain::run);
    }

    /** Runs until stopped; returns the process exit code. */
    public static int run(TrainerConfig config) throws Exception {
        return ServiceRunner.run(onFatal -> TrainerService.start(config, onFatal), "stopping the trainer");
    }
}
