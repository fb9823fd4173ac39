package org.brainseg.service.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.brainseg.service.config.HttpSection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * {@link HttpVerticle} over real TLS with a CA made in the test: HTTPS only, the certificate
 * reloaded from changed files (and kept when the new files are broken), and the bearer token in
 * front of the standard endpoints.
 */
class HttpVerticleSecurityTest {
    static final String TOKEN = "s3cret-token-for-the-test-0123456789";
    static final List<String> GUARDED = List.of("/metrics", "/health/live", "/health/ready", "/v1/status");

    @TempDir
    static Path dir;
    static TestCertificates ca;
    static TestCertificates.Pem first;
    static TestCertificates.Pem second;
    static Path tokenFile;

    Vertx vertx;

    record Ready(boolean ready, List<String> problems) implements HttpVerticle.Status {}

    @BeforeAll
    static void certificates() throws Exception {
        ca = TestCertificates.create(dir);
        first = ca.server("first");
        second = ca.server("second");
        tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
    }

    @AfterEach
    void close() throws Exception {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    int start(HttpSection http) throws Exception {
        vertx = Vertx.vertx();
        HttpVerticle v = new HttpVerticle(http, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                () -> new Ready(true, List.of()), r -> r.get("/own").handler(ctx -> ctx.end("own")));
        vertx.deployVerticle(v).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return v.actualPort();
    }

    /** Copies a pair over the served files, each by an atomic rename as a mounted Secret is swapped. */
    static void install(TestCertificates.Pem pair, TestCertificates.Pem into) throws IOException {
        for (Path[] f : new Path[][] {{pair.certificate(), into.certificate()}, {pair.key(), into.key()}}) {
            Path tmp = Files.copy(f[0], f[1].resolveSibling(f[1].getFileName() + ".tmp"), StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, f[1], StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    @Test
    void shouldServeOnlyHttpsWithTheConfiguredCertificate() throws Exception {
        int port = start(new HttpSection("127.0.0.1", 0, new HttpSection.Tls(first.certificate(), first.key(), Duration.ZERO), null));
        HttpResponse<String> r = ca.get("https://127.0.0.1:" + port + "/health/live");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(TestCertificates.peer(r).getSubjectX500Principal().getName()).isEqualTo("CN=first");
        assertThat(ca.get("https://localhost:" + port + "/own").body()).isEqualTo("own");
        assertThatThrownBy(() -> TestCertificates.get(HttpClient.newBuilder(), "http://127.0.0.1:" + port + "/health/live"))
                .as("plain HTTP to the TLS port").isInstanceOf(IOException.class);
        assertThatThrownBy(() -> TestCertificates.get(HttpClient.newBuilder(), "https://127.0.0.1:" + port + "/health/live"))
                .as("a client that does not trust the test CA").isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void shouldServeANewCertificateOnNewConnectionsAndKeepTheOldOneWhenTheNewFilesAreBroken() throws Exception {
        TestCertificates.Pem served = new TestCertificates.Pem(dir.resolve("served.crt"), dir.resolve("served.key"));
        install(first, served);
        Logger log = (Logger) LoggerFactory.getLogger(HttpVerticle.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        log.addAppender(logged);
        try {
            int port = start(new HttpSection("127.0.0.1", 0,
                    new HttpSection.Tls(served.certificate(), served.key(), Duration.ofMillis(200)), null));
            String url = "https://127.0.0.1:" + port + "/health/live";
            assertThat(TestCertificates.peer(ca.get(url)).getSubjectX500Principal().getName()).isEqualTo("CN=first");

            long changed = System.nanoTime();
            install(second, served);
            String seen = "";
            while (!seen.equals("CN=second") && System.nanoTime() - changed < TimeUnit.SECONDS.toNanos(10)) {
                seen = TestCertificates.peer(ca.get(url)).getSubjectX500Principal().getName();
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - changed);
            assertThat(seen).as("a new connection after the files changed").isEqualTo("CN=second");
            System.out.printf("reload: a new connection saw the new certificate %d ms after the files changed (checked every 200 ms)%n", ms);

            Files.writeString(served.key(), "-----BEGIN PRIVATE KEY-----\nhalf written\n");
            Thread.sleep(1000); // five checks
            assertThat(TestCertificates.peer(ca.get(url)).getSubjectX500Principal().getName()).isEqualTo("CN=second");
            assertThat(ca.get(url).statusCode()).isEqualTo(200);
            List<ILoggingEvent> errors = logged.list.stream().filter(e -> e.getLevel() == Level.ERROR).toList();
            assertThat(errors).as("one error, not one per check").hasSize(1);
            assertThat(errors.get(0).getFormattedMessage()).contains("TLS certificate not reloaded, still serving CN=second")
                    .contains("http.tls.key: not a PEM private key");

            install(first, served);
            String back = "";
            for (long t0 = System.nanoTime(); !back.equals("CN=first") && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10); ) {
                back = TestCertificates.peer(ca.get(url)).getSubjectX500Principal().getName();
            }
            assertThat(back).as("repaired files are taken").isEqualTo("CN=first");
        } finally {
            log.detachAppender(logged);
        }
    }

    @Test
    void shouldRequireTheBearerTokenOnTheStandardEndpointsOnly() throws Exception {
        int port = start(new HttpSection("127.0.0.1", 0, new HttpSection.Tls(first.certificate(), first.key(), Duration.ZERO), tokenFile));
        String base = "https://127.0.0.1:" + port;
        for (String path : GUARDED) {
            HttpResponse<String> none = ca.get(base + path);
            assertThat(none.statusCode()).as(path + " without a token").isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"brainseg\"");
            assertThat(none.body()).isEmpty();
            assertThat(ca.get(base + path, "Authorization", "Bearer wrong").statusCode()).as(path + " wrong token").isEqualTo(401);
            assertThat(ca.get(base + path, "Authorization", "Bearer " + TOKEN + "x").statusCode()).as(path + " longer").isEqualTo(401);
            assertThat(ca.get(base + path, "Authorization", "Basic " + TOKEN).statusCode()).as(path + " other scheme").isEqualTo(401);
            assertThat(ca.get(base + path, "Authorization", "Bearer " + TOKEN).statusCode()).as(path + " with the token").isEqualTo(200);
        }
        assertThat(ca.get(base + "/metrics", "Authorization", "Bearer " + TOKEN).headers().firstValue("content-type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(ca.get(base + "/own").statusCode()).as("a service's own route is its own to guard").isEqualTo(200);
    }

    @Test
    void shouldLeaveTheEndpointsOpenWithoutAToken() throws Exception {
        int port = start(new HttpSection("127.0.0.1", 0));
        for (String path : GUARDED) {
            assertThat(TestCertificates.get(HttpClient.newBuilder(), "http://127.0.0.1:" + port + path).statusCode()).as(path)
                    .isEqualTo(200);
        }
    }
}
