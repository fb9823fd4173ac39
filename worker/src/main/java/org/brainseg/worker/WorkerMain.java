package org.brainseg.worker;

import org.brainseg.service.run.ServiceRunner;
import org.brainseg.worker.config.WorkerConfigLoader;
import org.brainseg.worker.config.WorkerConfig;

/**
 * Runs a worker until SIGTERM (graceful: finish or abandon in-flight scans, commit, close) or a
 * fatal error (exit code 3, for the orchestrator to restart it). {@code brainseg worker} calls
 * {@link #run}; the container images use this class directly.
 */
public final class WorkerMain {
    private WorkerMain() {}

    public static void main(String[] args) throws Exception {
        ServiceRunner.main("WorkerMain", args, WorkerConfigLoader::load, WorkerMain::run);
    }

    /** Runs until stopped; returns the process exit code. */
    public static int run(WorkerConfig config) throws Exception {
        return ServiceRunner.run(onFatal -> Worker.start(config, onFatal), "stopping: finishing in-flight scans");
    }
}
