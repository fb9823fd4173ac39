package org.brainseg.kafka.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka (KRaft, combined broker and controller) running inside this JVM, for
 * integration tests and the local demo stack: real brokers, real transactions, no Docker.
 *
 * <p>It formats its log directory with Kafka's own {@link Formatter} only when
 * {@code meta.properties} is missing, so it can be {@linkplain #stop() stopped} and
 * {@linkplain #start() started} again on the same directory and ports (fault tests: the data
 * survives, clients reconnect to the same address). Ports are picked up front. Replication
 * settings are those a one-node cluster needs (internal topics with replication factor 1,
 * transaction log min ISR 1) and consumer groups start without the initial rebalance delay.
 *
 * <p>Kafka's threads are non-daemon: always {@link #close()} it (try-with-resources). While any
 * instance runs, {@code Exit.halt}/{@code Exit.exit} requests from Kafka code anywhere in the
 * JVM are intercepted, logged and recorded as a {@link #fault()} instead of killing the JVM.
 * Not thread-safe for concurrent start/stop; the accessors are.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    /** Listener clients use; plaintext on loopback. */
    public static final String BROKER_LISTENER = "BROKER";
    /** Listener of the KRaft controller quorum. */
    public static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String HOST = "127.0.0.1";

    private final int nodeId;
    private final Path logDir;
    private final boolean tempLogDir;
    private final int brokerPort;
    private final int controllerPort;
    private final Map<String, String> extraProperties;
    private final Duration startupTimeout;
    private final String clusterId;
    private final String quorumVoters;

    private volatile KafkaRaftServer server;
    private volatile Duration lastStartup = Duration.ZERO;
    private volatile boolean closed;
    private volatile String fault;
    /** This instance's registration with {@link ExitGuard}; one object so that release finds it. */
    private final java.util.function.Consumer<String> faultListener = f -> fault = f;

    private EmbeddedKafka(Builder b) throws IOException {
        this.nodeId = b.nodeId;
        this.tempLogDir = b.logDir == null;
        this.logDir = tempLogDir ? Files.createTempDirectory("brainseg-kafka-") : b.logDir.toAbsolutePath();
        this.brokerPort = b.brokerPort > 0 ? b.brokerPort : freePort();
        this.controllerPort = b.controllerPort > 0 ? b.controllerPort : freePort();
        this.extraProperties = Map.copyOf(b.properties);
        this.startupTimeout = b.startupTimeout;
        this.clusterId = b.clusterId;
        this.quorumVoters = b.quorumVoters;
    }

    /** A builder; nothing starts until {@link Builder#start()} or {@link #start()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts a broker with a temporary log directory, deleted on close. */
    public static EmbeddedKafka startDefault() {
        return builder().start();
    }

    /**
     * Starts the broker: formats the log directory if it has no {@code meta.properties}, starts
     * {@link KafkaRaftServer} and returns once {@code describeCluster} lists this node.
     *
     * @throws IllegalStateException if closed, already running, or not ready within the timeout
     */
    public synchronized EmbeddedKafka start() {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        if (server != null) {
            throw new IllegalStateException("already running on " + bootstrapServers());
        }
        long t0 = System.nanoTime();
        fault = null;
        ExitGuard.acquire(faultListener);
        KafkaRaftServer s = null;
        try {
            Files.createDirectories(logDir);
            KafkaConfig config = new KafkaConfig(brokerProperties(), false);
            formatIfNeeded();
            s = new KafkaRaftServer(config, Time.SYSTEM);
            server = s;
            s.startup();
            awaitReady();
        } catch (Exception | Error e) {
            LOG.error("embedded Kafka failed to start in {}", logDir, e);
            server = null;
            if (s != null) {
                shutdown(s);
            }
            ExitGuard.release(faultListener);
            if (e instanceof RuntimeException re) {
                throw re;
            }
            if (e instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("embedded Kafka failed to start: " + e, e);
        }
        lastStartup = Duration.ofNanos(System.nanoTime() - t0);
        LOG.info("embedded Kafka node {} ready on {} in {} ms (log dir {})", nodeId, bootstrapServers(),
                lastStartup.toMillis(), logDir);
        return this;
    }

    /**
     * Shuts the broker down and waits for all its threads; the log directory and ports are kept
     * so that {@link #start()} brings the same cluster back. Does nothing when not running.
     */
    public synchronized void stop() {
        KafkaRaftServer s = server;
        if (s == null) {
            return;
        }
        server = null;
        long t0 = System.nanoTime();
        shutdown(s);
        ExitGuard.release(faultListener);
        LOG.info("embedded Kafka node {} stopped in {} ms", nodeId, (System.nanoTime() - t0) / 1_000_000);
    }

    /** Stops the broker and, if the log directory was temporary, deletes it. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop();
        if (tempLogDir) {
            deleteRecursively(logDir);
        }
    }

    /** Whether the broker is started (and not stopped or closed). */
    public boolean isRunning() {
        return server != null;
    }

    /** {@code host:port} of the client listener; stable across {@link #stop()}/{@link #start()}. */
    public String bootstrapServers() {
        return HOST + ":" + brokerPort;
    }

    public int brokerPort() {
        return brokerPort;
    }

    public int controllerPort() {
        return controllerPort;
    }

    public int nodeId() {
        return nodeId;
    }

    public Path logDir() {
        return logDir;
    }

    /** Wall time of the last successful {@link #start()}, formatting included. */
    public Duration lastStartupTime() {
        return lastStartup;
    }

    /**
     * The last {@code Exit.halt}/{@code Exit.exit} request Kafka made in this JVM since this
     * instance last started: a fatal broker fault that would otherwise have killed the process.
     * Kafka cannot say which broker asked, so every running instance hears of it.
     */
    public Optional<String> fault() {
        return Optional.ofNullable(fault);
    }

    /** Client settings that reach this broker: {@code bootstrap.servers} plus anything given. */
    public Map<String, Object> clientProperties(Map<String, ?> more) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.putAll(more);
        return p;
    }

    /** A new admin client for this broker; the caller closes it. */
    public Admin createAdmin() {
        return Admin.create(clientProperties(Map.of(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000)));
    }

    /** Creates topics and waits until they exist; topics that already exist are left as they are. */
    public void createTopics(Collection<NewTopic> topics) {
        try (Admin admin = createAdmin()) {
            for (Map.Entry<String, KafkaFuture<Void>> r : admin.createTopics(topics).values().entrySet()) {
                try {
                    r.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + r.getKey() + ": " + e.getCause(), e);
                    }
                } catch (TimeoutException e) {
                    throw new IllegalStateException("topic " + r.getKey() + " not created within 30 s", e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while creating topic " + r.getKey(), e);
                }
            }
        }
    }

    /** Creates topics (see {@link #createTopics(Collection)}). */
    public void createTopics(NewTopic... topics) {
        createTopics(List.of(topics));
    }

    /** Creates a topic with one partition. */
    public void createTopic(String name, int partitions) {
        createTopics(new NewTopic(name, partitions, (short) 1));
    }

    /** The broker settings, defaults first and the builder's extra properties over them. */
    Properties brokerProperties() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(nodeId));
        p.put("controller.quorum.voters", quorumVoters != null ? quorumVoters : nodeId + "@" + HOST + ":" + controllerPort);
        p.put("listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort + ","
                + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort);
        p.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("inter.broker.listener.name", BROKER_LISTENER);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("log.dirs", logDir.toString());
        // One node: every internal topic must live with a single replica.
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        // Fewer internal partitions: the first group join and first transaction are faster.
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.num.partitions", "5");
        // Tests should not wait 3 s for the first consumer group rebalance.
        p.put("group.initial.rebalance.delay.ms", "0");
        // brainseg creates its topics explicitly; a typo must fail rather than create a topic.
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "1");
        // The log cleaner allocates its dedupe buffer up front (128 MiB by default); 4 MiB is ample here.
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024));
        extraProperties.forEach(p::put);
        return p;
    }

    private void formatIfNeeded() throws Exception {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // The formatter reports on a PrintStream (System.out by default): capture it for the log instead.
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            new Formatter()
                    .setPrintStream(ps)
                    .setNodeId(nodeId)
                    .setClusterId(clusterId != null ? clusterId : Uuid.randomUuid().toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .addDirectory(logDir.toString())
                    .setMetadataLogDirectory(logDir.toString())
                    .run();
        }
        LOG.debug("formatted {}: {}", logDir, out.toString(StandardCharsets.UTF_8).trim());
    }

    private void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + startupTimeout.toNanos();
        Exception last = null;
        try (Admin admin = Admin.create(clientProperties(Map.of(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000)))) {
            while (System.nanoTime() < deadline) {
                try {
                    Collection<Node> nodes = admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
                    if (nodes.stream().anyMatch(n -> n.id() == nodeId)) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                }
                Thread.sleep(20);
            }
        }
        throw new IllegalStateException("broker node " + nodeId + " not listed by describeCluster within "
                + startupTimeout.toMillis() + " ms", last);
    }

    private void shutdown(KafkaRaftServer s) {
        try {
            s.shutdown();
        } catch (RuntimeException e) {
            LOG.warn("embedded Kafka shutdown reported an error", e);
        }
        // shutdown() initiates; awaitShutdown() waits for the broker's and controller's threads.
        s.awaitShutdown();
    }

    /**
     * A currently free TCP port on the loopback interface. Another process may take it before
     * it is bound; for a test machine that race is rare and fails loudly at start.
     */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(paths.sorted(Comparator.reverseOrder()).toList());
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("could not delete temporary log dir {}", dir, e);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[node " + nodeId + ", " + bootstrapServers() + ", " + logDir
                + (isRunning() ? ", running]" : ", stopped]");
    }

    /** Configures an {@link EmbeddedKafka}. */
    public static final class Builder {
        private int nodeId = 1;
        private Path logDir;
        private int brokerPort;
        private int controllerPort;
        private final Map<String, String> properties = new LinkedHashMap<>();
        private Duration startupTimeout = Duration.ofSeconds(60);
        private String clusterId;
        private String quorumVoters;

        private Builder() {
        }

        /**
         * Makes this node one member of a multi-node cluster (one node per JVM: Kafka's exit handling
         * is per process): every member is formatted with the same {@code clusterId} and knows the
         * KRaft controller quorum, {@code voters} as {@code id@host:controllerPort,...}. The caller sets
         * the replication of the internal topics with {@link #brokerProperty} (the defaults are for one node).
         */
        public Builder clusterMember(String clusterId, String voters) {
            this.clusterId = Objects.requireNonNull(clusterId, "clusterId");
            this.quorumVoters = Objects.requireNonNull(voters, "voters");
            return this;
        }

        public Builder nodeId(int nodeId) {
            if (nodeId < 0) {
                throw new IllegalArgumentException("nodeId must be >= 0, got " + nodeId);
            }
            this.nodeId = nodeId;
            return this;
        }

        /** A log directory that is kept on close (default: a temporary one, deleted on close). */
        public Builder logDir(Path logDir) {
            this.logDir = Objects.requireNonNull(logDir, "logDir");
            return this;
        }

        /** Fixed client port (default: a free one picked at build time). */
        public Builder brokerPort(int port) {
            this.brokerPort = port;
            return this;
        }

        /** Fixed controller port (default: a free one picked at build time). */
        public Builder controllerPort(int port) {
            this.controllerPort = port;
            return this;
        }

        /**
         * A broker setting that overrides the defaults, e.g. extra SASL or TLS listeners
         * ({@code listeners}, {@code advertised.listeners}, {@code listener.security.protocol.map}).
         */
        public Builder brokerProperty(String key, String value) {
            properties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder brokerProperties(Map<String, String> props) {
            props.forEach(this::brokerProperty);
            return this;
        }

        public Builder startupTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("startupTimeout must be positive, got " + timeout);
            }
            this.startupTimeout = timeout;
            return this;
        }

        /** Creates the instance (ports picked, temp dir created) without starting it. */
        public EmbeddedKafka build() {
            try {
                return new EmbeddedKafka(this);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the log directory", e);
            }
        }

        /** Builds and starts; on failure nothing is left running. */
        public EmbeddedKafka start() {
            EmbeddedKafka k = build();
            try {
                return k.start();
            } catch (RuntimeException e) {
                k.close();
                throw e;
            }
        }
    }
}
