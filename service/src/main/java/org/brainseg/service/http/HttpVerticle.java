package org.brainseg.service.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;
import org.brainseg.imaging.io.JsonMappers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP endpoints of a brainseg service: {@code /metrics} (Prometheus text), {@code /health/live},
 * {@code /health/ready} (503 with reasons until ready) and {@code /v1/status} (JSON).
 */
public final class HttpVerticle extends AbstractVerticle {
    private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);
    private static final ObjectMapper JSON = JsonMappers.plain();

    /** A status object with readiness and its reasons. */
    public interface Status {
        boolean ready();

        java.util.List<String> problems();
    }

    private final String host;
    private final int port;
    private final PrometheusMeterRegistry registry;
    private final Supplier<? extends Status> status;
    private final java.util.function.Consumer<Router> routes;
    private volatile int actualPort;

    public HttpVerticle(String host, int port, PrometheusMeterRegistry registry, Supplier<? extends Status> status) {
        this(host, port, registry, status, r -> {});
    }

    /** With a service's own routes beside the standard ones ({@code routes} adds them to the router). */
    public HttpVerticle(String host, int port, PrometheusMeterRegistry registry, Supplier<? extends Status> status,
            java.util.function.Consumer<Router> routes) {
        this.host = host;
        this.port = port;
        this.registry = registry;
        this.status = status;
        this.routes = routes;
    }

    /** The port bound (useful with port 0). */
    public int actualPort() {
        return actualPort;
    }

    @Override
    public void start(Promise<Void> started) {
        Router router = Router.router(vertx);
        router.get("/metrics").handler(ctx -> ctx.response()
                .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(registry.scrape()));
        router.get("/health/live").handler(ctx -> json(ctx, 200, java.util.Map.of("status", "UP")));
        router.get("/health/ready").handler(ctx -> {
            Status s = status.get();
            json(ctx, s.ready() ? 200 : 503, java.util.Map.of("status", s.ready() ? "UP" : "DOWN", "problems", s.problems()));
        });
        router.get("/v1/status").handler(ctx -> json(ctx, 200, status.get()));
        routes.accept(router);
        vertx.createHttpServer().requestHandler(router).listen(port, host)
                .onSuccess((HttpServer s) -> {
                    actualPort = s.actualPort();
                    LOG.info("HTTP on {}:{} (/metrics, /health/live, /health/ready, /v1/status)", host, actualPort);
                    started.complete();
                })
                .onFailure(e -> started.fail(new IllegalStateException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e)));
    }

    private static void json(RoutingContext ctx, int code, Object body) {
        try {
            ctx.response().setStatusCode(code).putHeader("content-type", "application/json").end(JSON.writeValueAsString(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            ctx.response().setStatusCode(500).end(e.getMessage());
        }
    }
}
