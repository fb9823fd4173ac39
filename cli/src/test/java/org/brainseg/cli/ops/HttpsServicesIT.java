package org.brainseg.cli.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;
import org.brainseg.client.topics.TopicsInitializer;
import org.brainseg.kafka.embedded.EmbeddedKafkaExtension;
import org.brainseg.pacs.OrthancServer;
import org.brainseg.pacs.PacsBridge;
import org.brainseg.pacs.config.PacsConfigLoader;
import org.brainseg.service.http.HttpVerticle;
import org.brainseg.service.http.TestCertificates;
import org.brainseg.trainer.config.TrainerConfigLoader;
import org.brainseg.trainer.service.TrainerService;
import org.brainseg.viewer.Viewer;
import org.brainseg.viewer.config.ViewerConfigLoader;
import org.brainseg.worker.Worker;
import org.brainseg.worker.config.WorkerConfigLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * Each service's HTTP port speaks HTTPS only once a certificate is configured: the worker, the
 * trainer, the PACS bridge and the viewer are each started for real, on one embedded broker shared
 * by the class, from a YAML file read by the service's own configuration loader, with
 * {@code http.tls.certificate} and {@code http.tls.key} naming PEM files of a CA made in the test
 * ({@link TestCertificates}). For each: a client trusting only that CA gets 200 from
 * {@code /health/live} and {@code /metrics}, served with the service's own certificate; plain HTTP
 * to the same port gets no HTTP answer; a client with the JVM's default trust store fails the
 * handshake; and the port the service reports (the HTTP endpoint's start-up line, and the viewer's
 * {@code url()}) is the HTTPS one. One more row starts the worker with {@code http.metricsTokenFile}
 * as well: 401 without the bearer token, 200 with it, still over HTTPS only. The PACS bridge runs
 * without an Orthanc (its URL a closed port): it starts and is live, not ready, as
 * {@code PacsBridgeFaultsIT} shows, and its HTTP server is what is checked here.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class HttpsServicesIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension BROKER = EmbeddedKafkaExtension.withTopics(TopicsInitializer.newTopics(1, (short) 1));

    static final String TOKEN = "https-services-it-token-0123456789abcdef";

    @TempDir
    static Path certs;
    static TestCertificates ca;
    static Path tokenFile;

    @TempDir
    Path dir;

    final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    final Logger httpLog = (Logger) LoggerFactory.getLogger(HttpVerticle.class);
    Level httpLogLevel;

    /** The services under test, each started from its configuration file. */
    enum Service {
        WORKER, TRAINER, PACS_BRIDGE, VIEWER;

        String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** A started service, the port it listens on and the URL it reports (null where it reports none but its log line). */
    record Running(AutoCloseable service, int port, String url) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            service.close();
        }
    }

    static Stream<Arguments> services() {
        return Stream.of(Arguments.of(Service.WORKER, false), Arguments.of(Service.TRAINER, false),
                Arguments.of(Service.PACS_BRIDGE, false), Arguments.of(Service.VIEWER, false), Arguments.of(Service.WORKER, true));
    }

    @BeforeAll
    static void certificateAuthority() throws Exception {
        ca = TestCertificates.create(certs);
        tokenFile = Files.writeString(certs.resolve("metrics-token"), TOKEN + "\n");
    }

    @BeforeEach
    void captureTheStartUpLine() {
        httpLogLevel = httpLog.getLevel();
        httpLog.setLevel(Level.INFO);
        logged.start();
        httpLog.addAppender(logged);
    }

    @AfterEach
    void restoreTheLog() {
        httpLog.detachAppender(logged);
        httpLog.setLevel(httpLogLevel);
    }

    @ParameterizedTest(name = "{0}, metrics token {1}")
    @MethodSource("services")
    void shouldServeOnlyHttpsWithTheConfiguredCertificate(Service service, boolean withToken) throws Exception {
        String name = service.id() + (withToken ? "-with-token" : "");
        TestCertificates.Pem pem = ca.server(name);
        Path config = Files.writeString(dir.resolve(service.id() + ".yaml"), yaml(service, pem, withToken));
        try (Running running = start(service, config)) {
            String base = "https://127.0.0.1:" + running.port();
            String[] auth = withToken ? new String[] {"Authorization", "Bearer " + TOKEN} : new String[0];

            HttpResponse<String> live = ca.get(base + "/health/live", auth);
            assertThat(live.statusCode()).as(service + " /health/live over HTTPS").isEqualTo(200);
            assertThat(live.body()).contains("\"UP\"");
            assertThat(TestCertificates.peer(live).getSubjectX500Principal().getName()).as("the configured certificate")
                    .isEqualTo("CN=" + name);
            HttpResponse<String> metrics = ca.get(base + "/metrics", auth);
            assertThat(metrics.statusCode()).as(service + " /metrics over HTTPS").isEqualTo(200);
            assertThat(metrics.body()).contains("# TYPE ").contains("jvm_memory_used_bytes");
            if (withToken) {
                for (String path : List.of("/health/live", "/metrics")) {
                    assertThat(ca.get(base + path).statusCode()).as(path + " without the token").isEqualTo(401);
                    assertThat(ca.get(base + path, "Authorization", "Bearer not-" + TOKEN).statusCode()).as(path + " wrong token")
                            .isEqualTo(401);
                }
            }

            String plain = "http://127.0.0.1:" + running.port() + "/health/live";
            assertThatThrownBy(() -> TestCertificates.get(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1), plain, auth))
                    .as("plain HTTP to the TLS port of the " + service).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> TestCertificates.get(HttpClient.newBuilder(), base + "/health/live", auth))
                    .as("a client that does not trust the test CA").isInstanceOf(SSLHandshakeException.class);

            assertThat(logged.list).map(ILoggingEvent::getFormattedMessage).as("the endpoint's start-up line")
                    .anyMatch(m -> m.startsWith("HTTPS on 127.0.0.1:" + running.port() + " "))
                    .noneMatch(m -> m.startsWith("HTTP on "));
            if (running.url() != null) {
                assertThat(running.url()).as("the URL the " + service + " reports").isEqualTo(base + "/");
                HttpResponse<String> page = ca.get(running.url());
                assertThat(page.statusCode()).as("the page at the reported URL").isEqualTo(200);
                assertThat(page.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
            }
        }
    }

    private static Running start(Service service, Path config) throws Exception {
        Map<String, String> noEnvironment = Map.of();
        return switch (service) {
            case WORKER -> {
                Worker w = Worker.start(WorkerConfigLoader.load(config, noEnvironment), t -> {});
                yield new Running(w, w.httpPort(), null);
            }
            case TRAINER -> {
                TrainerService t = TrainerService.start(TrainerConfigLoader.load(config, noEnvironment), f -> {});
                yield new Running(t, t.httpPort(), null);
            }
            case PACS_BRIDGE -> {
                PacsBridge b = PacsBridge.start(PacsConfigLoader.load(config, noEnvironment), t -> {});
                yield new Running(b, b.httpPort(), null);
            }
            case VIEWER -> {
                Viewer v = Viewer.start(ViewerConfigLoader.load(config, noEnvironment));
                yield new Running(v, v.httpPort(), v.url());
            }
        };
    }

    /** The smallest configuration that starts {@code service} here, with TLS on an ephemeral loopback port. */
    private String yaml(Service service, TestCertificates.Pem pem, boolean withToken) throws IOException {
        String id = service.id() + "-" + System.nanoTime();
        Path data = Files.createDirectories(dir.resolve("data"));
        Path out = Files.createDirectories(dir.resolve("out"));
        Path registry = Files.createDirectories(dir.resolve("registry"));
        String specific = switch (service) {
            case WORKER -> """
                    kafka:
                      bootstrapServers: '%s'
                      groupId: '%s'
                      transactionalId: '%s'
                    store:
                      inputRoots: ['%s']
                      outputRoot: '%s'
                    model:
                      registryRoot: '%s'
                      device: cpu
                    inference:
                      intraOpThreads: 1
                    """.formatted(BROKER.bootstrapServers(), id, id, data, out, registry);
            case TRAINER -> """
                    kafka:
                      bootstrapServers: '%s'
                      groupId: '%s'
                      transactionalId: '%s'
                    registry:
                      root: '%s'
                      seedShippedModel: false
                    training:
                      device: cpu
                      threads: 1
                    data:
                      roots: ['%s']
                    """.formatted(BROKER.bootstrapServers(), id, id, registry, data);
            case PACS_BRIDGE -> """
                    kafka:
                      bootstrapServers: '%s'
                      groupId: '%s'
                      transactionalId: '%s'
                    orthanc:
                      url: 'http://127.0.0.1:%d'
                      timeoutSeconds: 5
                    store:
                      inputDir: '%s'
                      positionFile: '%s'
                      maskRoots: ['%s']
                    """.formatted(BROKER.bootstrapServers(), id, id, OrthancServer.freePort(), data.resolve("pacs"),
                    dir.resolve("position.json"), out);
            case VIEWER -> """
                    kafka:
                      bootstrapServers: '%s'
                    store:
                      roots: ['%s', '%s']
                    """.formatted(BROKER.bootstrapServers(), data, out);
        };
        return specific + """
                http:
                  host: 127.0.0.1
                  port: 0
                  tls:
                    certificate: '%s'
                    key: '%s'
                """.formatted(pem.certificate(), pem.key())
                + (withToken ? "  metricsTokenFile: '%s'%n".formatted(tokenFile) : "");
    }
}
