package org.brainseg.worker;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.brainseg.worker.config.ConfigLoader;
import org.brainseg.worker.config.WorkerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a worker until SIGTERM (graceful: finish or abandon in-flight scans, commit, close) or a
 * fatal error (exit code 3, for the orchestrator to restart it). {@code brainseg worker} calls
 * {@link #run}; the container images use this class directly.
 */
public final class WorkerMain {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerMain.class);

    private WorkerMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: WorkerMain CONFIG.yaml");
            System.exit(2);
        }
        System.exit(run(ConfigLoader.load(Path.of(args[0]))));
    }

    /** Runs until stopped; returns the process exit code. */
    public static int run(WorkerConfig config) throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        Throwable[] fatal = new Throwable[1];
        Worker worker;
        try {
            worker = Worker.start(config, t -> {
                fatal[0] = t;
                done.countDown();
            });
        } catch (Exception e) {
            // model or Kafka unusable at start (unreachable, authentication refused): fatal, exit 3
            LOG.error("fatal: cannot start: {}", e.getMessage(), e);
            return 3;
        }
        Thread hook = new Thread(() -> {
            LOG.info("stopping: finishing in-flight scans");
            try {
                worker.close();
            } catch (Exception e) {
                LOG.warn("stop: {}", e.toString());
            }
            done.countDown();
        }, "brainseg-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        done.await();
        if (fatal[0] != null) {
            LOG.error("fatal: {}", fatal[0].toString());
            Runtime.getRuntime().removeShutdownHook(hook);
            worker.close();
            return 3;
        }
        return 0;
    }
}
