package org.brainseg.worker.ingest;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Runs the {@link IngestLoop} on its own thread (the Kafka consumer must stay on one thread and
 * its poll blocks). Start completes once the loop polls; stop asks it to finish in-flight
 * scans, commit, and close. A fatal loop error is handed to {@code onFatal}.
 */
public final class IngestVerticle extends AbstractVerticle {
    private final IngestLoop loop;
    private final Duration startTimeout;
    private final Consumer<Throwable> onFatal;
    private Thread thread;
    private long watch = -1;

    public IngestVerticle(IngestLoop loop, Duration startTimeout, Consumer<Throwable> onFatal) {
        this.loop = loop;
        this.startTimeout = startTimeout;
        this.onFatal = onFatal;
    }

    @Override
    public void start(Promise<Void> started) {
        thread = new Thread(loop, "brainseg-ingest");
        thread.start();
        long deadline = System.nanoTime() + startTimeout.toNanos();
        watch = vertx.setPeriodic(50, id -> {
            if (loop.fatal() != null) {
                vertx.cancelTimer(id);
                if (!started.tryFail(loop.fatal())) {
                    onFatal.accept(loop.fatal());
                }
            } else if (loop.isRunning()) {
                started.tryComplete();
            } else if (System.nanoTime() > deadline) {
                started.tryFail(new IllegalStateException("Kafka not reachable within " + startTimeout.toSeconds() + " s"));
            }
        });
    }

    @Override
    public void stop(Promise<Void> stopped) {
        if (watch >= 0) {
            vertx.cancelTimer(watch);
        }
        loop.stop();
        vertx.executeBlocking(() -> {
            thread.join();
            return null;
        }).onComplete(r -> stopped.complete());
    }
}
