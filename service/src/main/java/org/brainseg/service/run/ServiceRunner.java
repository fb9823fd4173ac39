package org.brainseg.service.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a long-running service until SIGTERM (graceful: the service's {@code close()}) or a fatal
 * error, and turns the end into the process exit code the orchestrator acts on. The worker's and
 * the trainer's and the PACS bridge's mains, and {@code brainseg worker} / {@code trainer} /
 * {@code pacs-bridge}, run through it.
 */
public final class ServiceRunner {
    /** Stopped on request. */
    public static final int EXIT_STOPPED = 0;
    /** Bad usage or configuration: restarting will not help. */
    public static final int EXIT_BAD_CONFIG = 2;
    /** A fatal error (Kafka or the model unusable): restart me. */
    public static final int EXIT_FATAL = 3;
    /** How long a service that failed may take to close before the process exits anyway. */
    static final Duration FATAL_CLOSE = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(ServiceRunner.class);

    /** Starts a service; {@code onFatal} hears of a fatal error after the start. */
    @FunctionalInterface
    public interface Starter {
        AutoCloseable start(Consumer<Throwable> onFatal) throws Exception;
    }

    /** Reads and validates a service's configuration file. */
    @FunctionalInterface
    public interface ConfigReader<C> {
        C read(Path file) throws Exception;
    }

    /** Runs a service with its configuration until it stops; returns the process exit code. */
    @FunctionalInterface
    public interface Service<C> {
        int run(C config) throws Exception;
    }

    private ServiceRunner() {}

    /**
     * The body of a service's {@code main}: one configuration file argument (else usage and exit
     * 2), read by {@code read}, run by {@code service}; the process exits with the run's code.
     */
    public static <C> void main(String mainName, String[] args, ConfigReader<C> read, Service<C> service) throws Exception {
        requireOneConfigArgument(mainName, args);
        System.exit(service.run(read.read(Path.of(args[0]))));
    }

    /**
     * Starts the service and blocks until it is stopped or fails.
     *
     * @param stopping what is logged when SIGTERM arrives (what the service does while it stops)
     * @return {@link #EXIT_STOPPED}, or {@link #EXIT_FATAL} when the start failed or a fatal error ended it
     */
    public static int run(Starter starter, String stopping) throws Exception {
        return run(starter, stopping, FATAL_CLOSE);
    }

    /** As {@link #run(Starter, String)}, a failed service given {@code fatalClose} to close. */
    static int run(Starter starter, String stopping, Duration fatalClose) throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        Throwable[] fatal = new Throwable[1];
        AutoCloseable service;
        try {
            service = starter.start(t -> {
                fatal[0] = t;
                done.countDown();
            });
        } catch (Exception e) {
            // Kafka, the model or the registry unusable at start (unreachable, authentication refused): fatal
            LOG.error("fatal: cannot start: {}", e.getMessage(), e);
            return EXIT_FATAL;
        }
        Thread hook = new Thread(() -> {
            LOG.info("{}", stopping);
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
            closeWithin(service, fatalClose);
            return EXIT_FATAL;
        }
        return EXIT_STOPPED;
    }

    /**
     * Closes a service that failed, but exits regardless after {@code limit}: after a fatal error
     * (Kafka refusing the credentials, a broker gone) a client may be unable to finish, and the
     * orchestrator should restart the process now rather than wait for it.
     */
    static void closeWithin(AutoCloseable service, Duration limit) throws InterruptedException {
        Thread closer = new Thread(() -> {
            try {
                service.close();
            } catch (Exception e) {
                LOG.warn("closing after the fatal error: {}", e.toString());
            }
        }, "brainseg-fatal-close");
        closer.setDaemon(true);
        closer.start();
        closer.join(limit.toMillis());
        if (closer.isAlive()) {
            LOG.warn("the service did not close within {} s of the fatal error; exiting anyway", limit.toSeconds());
        }
    }

    /** The usage check of a service main taking one configuration file: exits 2 otherwise. */
    private static void requireOneConfigArgument(String mainName, String[] args) {
        if (args.length != 1) {
            System.err.println("usage: " + mainName + " CONFIG.yaml");
            System.exit(EXIT_BAD_CONFIG);
        }
    }
}
