package org.brainseg.trainer.service;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a trainer until SIGTERM (a run in progress is abandoned uncommitted and redone after the
 * next start) or a fatal error (exit code 3, for the orchestrator to restart it).
 * {@code brainseg trainer} calls {@link #run}; container images may use this class directly.
 */
public final class TrainerMain {
    private static final Logger LOG = LoggerFactory.getLogger(TrainerMain.class);

    private TrainerMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: TrainerMain CONFIG.yaml");
            System.exit(2);
        }
        System.exit(run(TrainerConfigLoader.load(Path.of(args[0]))));
    }

    /** Runs until stopped; returns the process exit code. */
    public static int run(TrainerConfig config) throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        Throwable[] fatal = new Throwable[1];
        TrainerService service;
        try {
            service = TrainerService.start(config, t -> {
                fatal[0] = t;
                done.countDown();
            });
        } catch (Exception e) {
            // Kafka or the registry unusable at start: fatal, exit 3, as the worker does
            LOG.error("fatal: cannot start: {}", e.getMessage(), e);
            return 3;
        }
        Thread hook = new Thread(() -> {
            LOG.info("stopping the trainer");
            try {
                service.close();
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
            service.close();
            return 3;
        }
        return 0;
    }
}
