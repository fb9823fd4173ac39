package org.brainseg.worker;

import io.vertx.core.Vertx;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.brainseg.worker.config.WorkerConfig;

/**
 * A running worker: its own Vert.x instance with the {@link WorkerVerticle} deployed.
 * {@link #close()} (idempotent) stops taking scans, finishes or abandons in-flight ones
 * cleanly, commits, and releases the model and the Kafka clients.
 */
public final class Worker implements AutoCloseable {
    private final Vertx vertx;
    private final WorkerVerticle verticle;
    private volatile boolean closed;

    private Worker(Vertx vertx, WorkerVerticle verticle) {
        this.vertx = vertx;
        this.verticle = verticle;
    }

    /** Starts a worker and returns once it polls Kafka; fails with the reason otherwise. */
    public static Worker start(WorkerConfig config, Consumer<Throwable> onFatal) throws Exception {
        Vertx vertx = Vertx.vertx();
        WorkerVerticle v = new WorkerVerticle(config, onFatal);
        try {
            vertx.deployVerticle(v).toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            vertx.close().toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw new IllegalStateException(cause);
        }
        return new Worker(vertx, v);
    }

    public WorkerStatus status() {
        return verticle.status();
    }

    public int httpPort() {
        return verticle.httpPort();
    }

    public String scrape() {
        return verticle.registry().scrape();
    }

    @Override
    public synchronized void close() throws Exception {
        if (closed) {
            return;
        }
        closed = true;
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
    }
}
