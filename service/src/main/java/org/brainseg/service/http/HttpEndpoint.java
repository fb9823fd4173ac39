package org.brainseg.service.http;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A service's HTTP endpoints on their own Vert.x instance: what the trainer, the PACS bridge and
 * the viewer run beside their Kafka loops (the worker deploys its {@link HttpVerticle} from its
 * main verticle instead). The owner closes it; {@link #close()} stops the server and Vert.x.
 */
public final class HttpEndpoint implements AutoCloseable {
    /** How long {@link #start} waits for the server to listen. */
    private static final Duration DEPLOY_TIMEOUT = Duration.ofMinutes(1);

    private final Vertx vertx;
    private final HttpVerticle http;

    private HttpEndpoint(Vertx vertx, HttpVerticle http) {
        this.vertx = vertx;
        this.http = http;
    }

    /**
     * Starts Vert.x and deploys the verticle {@code verticle} builds on it; returns once it listens.
     * A failure closes the Vert.x instance before it is rethrown.
     */
    public static HttpEndpoint start(Function<Vertx, HttpVerticle> verticle) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            HttpVerticle http = verticle.apply(vertx);
            vertx.deployVerticle(http).toCompletionStage().toCompletableFuture()
                    .get(DEPLOY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return new HttpEndpoint(vertx, http);
        } catch (Exception | Error e) {
            vertx.close();
            throw e;
        }
    }

    /** The port bound (useful with port 0). */
    public int port() {
        return http.actualPort();
    }

    /** Stops the server and Vert.x, waiting up to {@code timeout}. */
    public void close(Duration timeout) throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the server and Vert.x, waiting up to a minute. */
    @Override
    public void close() throws Exception {
        close(Duration.ofMinutes(1));
    }
}
