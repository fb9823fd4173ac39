package org.brainseg.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.brainseg.client.submit.ScanSubmitter;
import org.brainseg.client.topics.TopicsInitializer;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.kafka.embedded.EmbeddedKafka;
import org.brainseg.kafka.embedded.EmbeddedKafkaExtension;
import org.brainseg.model.TinyModels;
import org.brainseg.schemas.ScanArrived;
import org.brainseg.schemas.SegmentationCompleted;
import org.brainseg.schemas.Topics;
import org.brainseg.service.http.TestCertificates;
import org.brainseg.worker.config.WorkerConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka over TLS with SASL/SCRAM-SHA-512: the embedded broker gets a {@code SECURE} listener
 * (SASL_SSL) with a certificate from a CA made at test time ({@link TestCertificates}) and SCRAM users
 * created through the Admin API. The worker takes its security settings from
 * {@code kafka.properties}, as a deployment would. Its plaintext {@code BROKER} listener stays
 * for the broker's own readiness check and the test's set-up (topics, users); the clients under
 * test use only {@code SECURE}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class WorkerSecurityIT {
    static final String USER = "brainseg-worker";
    static final String PASSWORD = "s3cret-" + Long.toHexString(System.nanoTime());
    /** The SECURE listener's re-authentication interval. */
    static final Duration REAUTH = Duration.ofSeconds(3);

    /** The test CA and the broker's certificate; made before the broker starts, which needs its keystore. */
    @TempDir
    static Path pkiDir;
    static TestCertificates.Stores pki;
    static String secure;

    @RegisterExtension
    static final EmbeddedKafkaExtension BROKER = EmbeddedKafkaExtension.withTopics(TopicsInitializer.newTopics(2, (short) 1))
            .configuredBy(WorkerSecurityIT::addSecureListener);

    Path tmp;
    List<Case> cases;
    Path model;

    /** Next to the plaintext BROKER and CONTROLLER listeners, a SECURE one: SASL_SSL with SCRAM-SHA-512. */
    static void addSecureListener(EmbeddedKafka.Builder broker) {
        try {
            pki = TestCertificates.create(pkiDir).stores("localhost");
        } catch (Exception e) {
            throw new IllegalStateException("cannot make the test PKI", e);
        }
        int brokerPort = EmbeddedKafka.freePort();
        int controllerPort = EmbeddedKafka.freePort();
        int securePort = EmbeddedKafka.freePort();
        secure = "127.0.0.1:" + securePort;
        String l = "listener.name.secure.";
        broker.brokerPort(brokerPort).controllerPort(controllerPort)
                .brokerProperty("listeners", "BROKER://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort
                        + ",SECURE://" + secure)
                .brokerProperty("advertised.listeners", "BROKER://127.0.0.1:" + brokerPort + ",SECURE://" + secure)
                .brokerProperty("listener.security.protocol.map", "BROKER:PLAINTEXT,CONTROLLER:PLAINTEXT,SECURE:SASL_SSL")
                .brokerProperty("sasl.enabled.mechanisms", "SCRAM-SHA-512")
                .brokerProperty(l + "sasl.enabled.mechanisms", "SCRAM-SHA-512")
                .brokerProperty(l + "scram-sha-512.sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required;")
                // clients log in again every few seconds (KIP-368), as a broker that enforces password
                // rotation would have them do; a rotated password is then refused on a live connection
                .brokerProperty(l + "scram-sha-512.connections.max.reauth.ms", Long.toString(REAUTH.toMillis()))
                .brokerProperty(l + "ssl.keystore.type", "PKCS12")
                .brokerProperty(l + "ssl.keystore.location", pki.keystore().toString())
                .brokerProperty(l + "ssl.keystore.password", pki.password())
                .brokerProperty(l + "ssl.key.password", pki.password());
    }

    @BeforeAll
    void setUp(@TempDir Path dir) throws Exception {
        tmp = dir;
        try (Admin admin = BROKER.kafka().createAdmin()) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(USER,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), PASSWORD))).all().get(30, TimeUnit.SECONDS);
        }
        // the credential reaches the listener through the metadata log: wait until a login works
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> describe(client(USER, PASSWORD)).isEmpty());
        cases = Fixtures.cohort(tmp.resolve("scans"), 6, 31);
        model = TinyModels.train(cases, tmp.resolve("models"), 1, 4);
    }

    /** Client settings for the SECURE listener: SASL_SSL, SCRAM-SHA-512, the test CA as the only trust anchor. */
    Map<String, String> client(String user, String password) {
        Map<String, String> p = new HashMap<>();
        p.put("security.protocol", "SASL_SSL");
        p.put("sasl.mechanism", "SCRAM-SHA-512");
        p.put("sasl.jaas.config", jaas(user, password));
        p.put("ssl.truststore.type", "PKCS12");
        p.put("ssl.truststore.location", pki.truststore().toString());
        p.put("ssl.truststore.password", pki.password());
        return p;
    }

    /** Empty when describeCluster on the SECURE listener works with these settings, else the failure. */
    Optional<Throwable> describe(Map<String, String> props) throws InterruptedException {
        Map<String, Object> p = new HashMap<>(props);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, secure);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 4_000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        try (Admin admin = Admin.create(p)) {
            admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
            return Optional.empty();
        } catch (ExecutionException e) {
            return Optional.of(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            return Optional.of(e);
        }
    }

    WorkerConfig config(String txId, Map<String, String> props) throws Exception {
        WorkerConfig c = Fixtures.config(secure, tmp.resolve("scans"), tmp.resolve("masks"), model, 1, 2, txId);
        return WorkerFaultsIT.withKafkaProperties(c, props);
    }

    @Test
    void shouldProcessScansWithAnAuthenticatedWorkerOverTls() throws Exception {
        String p = "sec-";
        Map<String, String> props = client(USER, PASSWORD);
        AtomicReference<Throwable> fatal = new AtomicReference<>();
        Set<String> expected = new TreeSet<>();
        try (Worker w = Worker.start(config("sec-ok", props), fatal::set);
                ScanSubmitter s = new ScanSubmitter(secure, props, Clock.systemUTC())) {
            List<ScanArrived> events = new ArrayList<>();
            for (Case c : cases) {
                events.add(s.eventFor(c, p + c.id()));
                expected.add(p + c.id());
            }
            s.submit(events);
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() ->
                    Outputs.committed(secure, props, Topics.SEGMENTATIONS, SegmentationCompleted.class, p).size() >= cases.size());
            assertThat(w.status().ready()).isTrue();
        }
        assertThat(fatal.get()).isNull();
        List<SegmentationCompleted> done = Outputs.committed(secure, props, Topics.SEGMENTATIONS, SegmentationCompleted.class, p);
        assertThat(Outputs.scanIds(done)).isEqualTo(expected);
        assertThat(done).hasSize(expected.size());
    }

    @Test
    void shouldRefuseAClientWithAWrongPasswordAnUnknownUserOrNoTls() throws Exception {
        assertThat(describe(client(USER, "wrong-password"))).get(org.assertj.core.api.InstanceOfAssertFactories.THROWABLE)
                .isInstanceOf(SaslAuthenticationException.class).hasMessageContaining("Authentication failed");
        assertThat(describe(client("nobody", PASSWORD))).get(org.assertj.core.api.InstanceOfAssertFactories.THROWABLE)
                .isInstanceOf(SaslAuthenticationException.class);
        // right credentials without TLS, and no security at all: the TLS listener never answers them
        Map<String, String> noTls = new HashMap<>(client(USER, PASSWORD));
        noTls.put("security.protocol", "SASL_PLAINTEXT");
        assertThat(describe(noTls)).isPresent();
        assertThat(describe(Map.of())).isPresent();
        // TLS with a truststore that does not hold the test CA (the JDK's default CAs): the handshake fails
        Map<String, String> untrusted = new HashMap<>(client(USER, PASSWORD));
        untrusted.remove("ssl.truststore.location");
        untrusted.remove("ssl.truststore.password");
        untrusted.remove("ssl.truststore.type");
        assertThat(describe(untrusted)).get(org.assertj.core.api.InstanceOfAssertFactories.THROWABLE)
                .isInstanceOf(org.apache.kafka.common.errors.SslAuthenticationException.class);
    }

    @Test
    void shouldStopAWorkerWithWrongCredentialsAsFatalNamingAuthentication() throws Exception {
        WorkerConfig bad = config("sec-bad", client(USER, "wrong-password"));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> Worker.start(bad, t -> {})).hasMessageContaining("authentication")
                .hasMessageContaining("kafka.properties");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("fails fast, no retry loop").isLessThan(Duration.ofSeconds(45));
        // as a deployment runs it: exit code 3 (fatal), for the orchestrator to restart it
        assertThat(WorkerMain.run(bad)).isEqualTo(3);
    }

    /**
     * The broker's password for the worker's user changed while the worker runs (an operator's
     * rotation): at the next re-authentication (every {@link #REAUTH}) the broker refuses the old
     * secret, and the worker, run as a deployment runs it, exits with code 3 and a message naming
     * kafka.properties. Kafka's clients do not re-read {@code sasl.jaas.config} (measured: the live
     * worker never recovers by itself), so the recovery is a restart: the orchestrator starts it
     * again with the new secret from the environment ({@code BRAINSEG_KAFKA_PROPERTY_SASL_JAAS_CONFIG},
     * e.g. from a Kubernetes Secret), and it resumes with nothing lost or doubled.
     */
    @Test
    void shouldExitFatallyWhenItsPasswordIsRotatedAndResumeWithTheNewSecretFromTheEnvironment() throws Exception {
        String user = "brainseg-rotating";
        String oldSecret = "old-" + Long.toHexString(System.nanoTime());
        String newSecret = "new-" + Long.toHexString(System.nanoTime());
        setPassword(user, oldSecret);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> describe(client(user, oldSecret)).isEmpty());
        Path yaml = tmp.resolve("rotating-worker.yaml");
        WorkerYaml.of(secure, "sec-rotate", tmp.resolve("scans"), tmp.resolve("masks-rotate"), model)
                .kafkaProperty("security.protocol", "SASL_SSL").kafkaProperty("sasl.mechanism", "SCRAM-SHA-512")
                .kafkaProperty("ssl.truststore.type", "PKCS12").kafkaProperty("ssl.truststore.location", pki.truststore().toString())
                .kafkaProperty("ssl.truststore.password", pki.password()).write(yaml);
        String secretVariable = "BRAINSEG_KAFKA_PROPERTY_SASL_JAAS_CONFIG"; // sasl.jaas.config, as docs/OPERATIONS.md says
        String p = "rot-";
        Map<String, String> admin = Map.of(); // the plaintext BROKER listener: the test's own view of the topics
        String plain = BROKER.kafka().bootstrapServers();

        java.util.concurrent.FutureTask<Integer> run = new java.util.concurrent.FutureTask<>(() -> WorkerMain.run(
                org.brainseg.worker.config.WorkerConfigLoader.load(yaml, Map.of(secretVariable, jaas(user, oldSecret)))));
        new Thread(run, "rotating-worker").start();
        Set<String> expected = new TreeSet<>(submit(plain, p + "a-", cases.subList(0, 2)));
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(300)).until(() ->
                Outputs.committed(plain, admin, Topics.SEGMENTATIONS, SegmentationCompleted.class, p).size() >= 2);

        setPassword(user, newSecret);
        long rotated = System.nanoTime();
        expected.addAll(submit(plain, p + "b-", cases.subList(2, 4))); // in flight while the old secret stops working
        int code = run.get(2, TimeUnit.MINUTES);
        assertThat(code).as("exit code of the worker whose secret was rotated").isEqualTo(3);
        LOG_ROTATION.info("worker exited {} {} s after the rotation", code, (System.nanoTime() - rotated) / 1_000_000_000);

        // the orchestrator restarts it with the new secret from the environment
        AtomicReference<Throwable> fatal = new AtomicReference<>();
        try (Worker w = Worker.start(org.brainseg.worker.config.WorkerConfigLoader.load(yaml,
                Map.of(secretVariable, jaas(user, newSecret))), fatal::set)) {
            expected.addAll(submit(plain, p + "c-", cases.subList(4, 6)));
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() ->
                    Outputs.committed(plain, admin, Topics.SEGMENTATIONS, SegmentationCompleted.class, p).size() >= expected.size());
            assertThat(w.status().ready()).isTrue();
        }
        assertThat(fatal.get()).isNull();
        List<SegmentationCompleted> done = Outputs.committed(plain, admin, Topics.SEGMENTATIONS, SegmentationCompleted.class, p);
        assertThat(done).as("one outcome per scan, none twice").hasSize(expected.size());
        assertThat(Outputs.scanIds(done)).isEqualTo(expected);
        assertThat(Outputs.committed(plain, admin, Topics.SCANS_FAILED, org.brainseg.schemas.ScanFailed.class, p)).isEmpty();
    }

    private static final org.slf4j.Logger LOG_ROTATION = org.slf4j.LoggerFactory.getLogger(WorkerSecurityIT.class);

    static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                + password + "\";";
    }

    static void setPassword(String user, String password) throws Exception {
        try (Admin admin = BROKER.kafka().createAdmin()) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password))).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** Submits one scan per case through the plaintext listener (the submitter is not under test). */
    static Set<String> submit(String bootstrap, String prefix, List<Case> cs) throws Exception {
        Fixtures.submit(bootstrap, prefix, cs);
        Set<String> ids = new TreeSet<>();
        cs.forEach(c -> ids.add(prefix + c.id()));
        return ids;
    }

    /** http.host 127.0.0.1: the endpoints answer on loopback and not on the machine's other addresses. */
    @Test
    void shouldBindHttpToTheConfiguredAddressOnly() throws Exception {
        try (Worker w = Worker.start(config("sec-http", client(USER, PASSWORD)), t -> {})) {
            int port = w.httpPort();
            assertThat(connects(InetAddress.getLoopbackAddress(), port)).isTrue();
            List<InetAddress> others = new ArrayList<>();
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
                        others.add(a);
                    }
                }
            }
            for (InetAddress a : others) {
                assertThat(connects(a, port)).as("HTTP reachable on %s", a).isFalse();
            }
        }
    }

    private static boolean connects(InetAddress a, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(a, port), 2_000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
