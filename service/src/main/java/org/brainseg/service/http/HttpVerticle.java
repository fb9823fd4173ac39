package org.brainseg.service.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.function.Supplier;
import org.brainseg.imaging.io.JsonMappers;
import org.brainseg.service.config.ConfigException;
import org.brainseg.service.config.HttpSection;
import org.brainseg.service.config.PemKeyPair;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP endpoints of a brainseg service: {@code /metrics} (Prometheus text), {@code /health/live},
 * {@code /health/ready} (503 with reasons until ready) and {@code /v1/status} (JSON).
 *
 * <p>With {@code http.tls.*} the server speaks TLS only, and checks the PEM files every
 * {@code http.tls.reloadSeconds} for a new pair: new connections get it, open ones keep theirs,
 * and a pair that does not load (half written, wrong key) leaves the old one served and is logged.
 * With {@code http.metricsTokenFile} the four endpoints answer 401 unless the request carries
 * {@code Authorization: Bearer <token>} (compared in constant time); a service's own routes are
 * its own to guard.
 */
public final class HttpVerticle extends AbstractVerticle {
    private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);
    private static final ObjectMapper JSON = JsonMappers.plain();

    /** A status object with readiness and its reasons. */
    public interface Status {
        boolean ready();

        java.util.List<String> problems();
    }

    private final HttpSection http;
    private final PrometheusMeterRegistry registry;
    private final Supplier<? extends Status> status;
    private final java.util.function.Consumer<Router> routes;
    private volatile int actualPort;
    /** The pair served now, and the last reload refusal (logged once, not at every check). */
    private PemKeyPair served;
    private String refused;

    /** Plain HTTP on {@code host:port}, no token. */
    public HttpVerticle(String host, int port, PrometheusMeterRegistry registry, Supplier<? extends Status> status) {
        this(new HttpSection(host, port), registry, status, r -> {});
    }

    /** Plain HTTP, with a service's own routes beside the standard ones ({@code routes} adds them to the router). */
    public HttpVerticle(String host, int port, PrometheusMeterRegistry registry, Supplier<? extends Status> status,
            java.util.function.Consumer<Router> routes) {
        this(new HttpSection(host, port), registry, status, routes);
    }

    /** As {@code http} says: where, TLS or not, token or not; with the service's own routes. */
    public HttpVerticle(HttpSection http, PrometheusMeterRegistry registry, Supplier<? extends Status> status,
            java.util.function.Consumer<Router> routes) {
        this.http = http;
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
        HttpServerOptions options = new HttpServerOptions();
        try {
            if (http.metricsTokenFile() != null) {
                Handler<RoutingContext> token = bearer(HttpSection.readToken(http.metricsTokenFile()));
                router.route("/metrics").handler(token);
                router.route("/health/*").handler(token);
                router.route("/v1/status").handler(token);
            }
            if (http.tls() != null) {
                served = http.tls().read();
                options.setSsl(true).setKeyCertOptions(served.options());
            }
        } catch (ConfigException e) {
            started.fail(e);
            return;
        }
        router.get("/metrics").handler(ctx -> ctx.response()
                .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(registry.scrape()));
        router.get("/health/live").handler(ctx -> json(ctx, 200, java.util.Map.of("status", "UP")));
        router.get("/health/ready").handler(ctx -> {
            Status s = status.get();
            json(ctx, s.ready() ? 200 : 503, java.util.Map.of("status", s.ready() ? "UP" : "DOWN", "problems", s.problems()));
        });
        router.get("/v1/status").handler(ctx -> json(ctx, 200, status.get()));
        routes.accept(router);
        String host = http.host();
        int port = http.port();
        vertx.createHttpServer(options).requestHandler(router).listen(port, host)
                .onSuccess((HttpServer s) -> {
                    actualPort = s.actualPort();
                    LOG.info("{} on {}:{} (/metrics, /health/live, /health/ready, /v1/status{})", served == null ? "HTTP" : "HTTPS",
                            host, actualPort, http.metricsTokenFile() == null ? "" : ", bearer token required");
                    if (served != null) {
                        LOG.info("TLS certificate {}", served.describe());
                        long every = http.tls().reloadInterval().toMillis();
                        if (every > 0) {
                            vertx.setPeriodic(every, id -> reload(s));
                        }
                    }
                    started.complete();
                })
                .onFailure(e -> started.fail(new IllegalStateException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e)));
    }

    /**
     * Reads the PEM files off the event loop and, when they hold a new pair that loads, gives it to
     * the server for the connections to come. Runs on the event loop (a periodic timer), so
     * {@code served} and {@code refused} need no lock.
     */
    private void reload(HttpServer server) {
        vertx.executeBlocking(() -> http.tls().read(), false).onComplete(read -> {
            if (read.failed()) {
                String why = read.cause().getMessage();
                if (!why.equals(refused)) {
                    refused = why;
                    LOG.error("TLS certificate not reloaded, still serving {}: {}", served.describe(), why);
                }
                return;
            }
            PemKeyPair next = read.result();
            refused = null;
            if (next.sameAs(served)) {
                return;
            }
            Future<Boolean> updated = server.updateSSLOptions(new ServerSSLOptions().setKeyCertOptions(next.options()));
            updated.onSuccess(x -> {
                served = next;
                LOG.info("TLS certificate reloaded: {}", next.describe());
            }).onFailure(e -> LOG.error("TLS certificate not reloaded, still serving {}: {}", served.describe(), e.toString()));
        });
    }

    /**
     * Lets a request through only with {@code Authorization: Bearer <token>}. Both sides are hashed
     * first, so the comparison takes the same time whatever the length or content of the guess.
     */
    private static Handler<RoutingContext> bearer(String token) {
        byte[] expected = sha256(token);
        return ctx -> {
            String h = ctx.request().getHeader("Authorization");
            String given = h != null && h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).strip() : "";
            if (MessageDigest.isEqual(expected, sha256(given))) {
                ctx.next();
            } else {
                ctx.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer realm=\"brainseg\"").end();
            }
        };
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static void json(RoutingContext ctx, int code, Object body) {
        try {
            ctx.response().setStatusCode(code).putHeader("content-type", "application/json").end(JSON.writeValueAsString(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            ctx.response().setStatusCode(500).end(e.getMessage());
        }
    }
}
