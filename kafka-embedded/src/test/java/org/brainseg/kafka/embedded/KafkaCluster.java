package org.brainseg.kafka.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replicated Kafka cluster for the fault tests: N combined broker/controller nodes, each a JVM of
 * its own ({@link ClusterNodeMain}) with its log in a file, so that a node can be SIGKILLed, stopped
 * gracefully, paused (SIGSTOP) and resumed, and restarted on the same log directory and ports.
 * Every internal topic has N replicas and needs N-1 in sync, as in production.
 */
public final class KafkaCluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaCluster.class);
    private static final String HOST = "127.0.0.1";

    private final Path dir;
    private final String clusterId = Uuid.randomUuid().toString();
    private final int[] brokerPorts;
    private final int[] controllerPorts;
    private final Process[] processes;
    private final long[] readyBefore;
    private final String voters;

    private KafkaCluster(Path dir, int nodes) {
        this.dir = dir;
        brokerPorts = new int[nodes];
        controllerPorts = new int[nodes];
        processes = new Process[nodes];
        readyBefore = new long[nodes];
        List<String> v = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            brokerPorts[i] = EmbeddedKafka.freePort();
            controllerPorts[i] = EmbeddedKafka.freePort();
            v.add(nodeId(i) + "@" + HOST + ":" + controllerPorts[i]);
        }
        voters = String.join(",", v);
    }

    /** Starts {@code nodes} nodes under {@code dir} at once and returns when every one is ready. */
    public static KafkaCluster start(Path dir, int nodes, Duration timeout) throws Exception {
        KafkaCluster c = new KafkaCluster(dir, nodes);
        try {
            for (int i = 0; i < nodes; i++) {
                c.launch(i);
            }
            for (int i = 0; i < nodes; i++) {
                c.awaitReady(i, timeout);
            }
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
        LOG.info("cluster of {} nodes ready: {}", nodes, c.bootstrapServers());
        return c;
    }

    /** Node ids are 1..N; index i is node i + 1. */
    public static int nodeId(int index) {
        return index + 1;
    }

    public int size() {
        return processes.length;
    }

    /** Every node's client address. */
    public String bootstrapServers() {
        List<String> b = new ArrayList<>();
        for (int p : brokerPorts) {
            b.add(HOST + ":" + p);
        }
        return String.join(",", b);
    }

    public Admin createAdmin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        return Admin.create(p);
    }

    /** SIGKILL: the node dies without flushing or leaving the quorum. */
    public void kill(int nodeId) throws InterruptedException {
        Process p = processes[nodeId - 1];
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
        LOG.info("node {} killed (SIGKILL)", nodeId);
    }

    /** SIGTERM: a controlled shutdown (leadership moved away first), as a rolling restart does it. */
    public void stop(int nodeId) throws InterruptedException {
        Process p = processes[nodeId - 1];
        p.destroy();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("node " + nodeId + " did not stop within 2 minutes");
        }
        LOG.info("node {} stopped (SIGTERM)", nodeId);
    }

    /** Starts a stopped or killed node again on its log directory and ports; returns once it is ready. */
    public void restart(int nodeId, Duration timeout) throws Exception {
        if (processes[nodeId - 1].isAlive()) {
            throw new IllegalStateException("node " + nodeId + " is running");
        }
        launch(nodeId - 1);
        awaitReady(nodeId - 1, timeout);
        LOG.info("node {} restarted", nodeId);
    }

    /** SIGSTOP: the node is cut off (no heartbeats, no answers) without losing any state. */
    public void pause(int nodeId) throws Exception {
        signal(nodeId, "STOP");
    }

    /** SIGCONT after {@link #pause}. */
    public void resume(int nodeId) throws Exception {
        signal(nodeId, "CONT");
    }

    private void signal(int nodeId, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(processes[nodeId - 1].pid()))
                .redirectErrorStream(true).start();
        kill.getInputStream().readAllBytes();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + signal + " of node " + nodeId + " failed");
        }
        LOG.info("node {}: SIG{}", nodeId, signal);
    }

    /** The node leading a partition (-1 when it has no leader). */
    public int leaderOf(String topic, int partition) throws Exception {
        try (Admin admin = createAdmin()) {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
            TopicPartitionInfo p = d.partitions().get(partition);
            return p.leader() == null ? -1 : p.leader().id();
        }
    }

    /** Waits until every partition of {@code topics} has all N replicas in sync again. */
    public void awaitFullIsr(Collection<String> topics, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try (Admin admin = createAdmin()) {
                Map<String, TopicDescription> all = admin.describeTopics(topics).allTopicNames().get(15, TimeUnit.SECONDS);
                boolean full = all.values().stream().flatMap(t -> t.partitions().stream())
                        .allMatch(p -> p.isr().size() == size() && p.leader() != null);
                if (full) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("replicas not back in sync within " + timeout, last);
    }

    public Path log(int nodeId) {
        return dir.resolve("node-" + nodeId + ".log");
    }

    private void launch(int i) throws IOException {
        int id = nodeId(i);
        readyBefore[i] = readyLines(id);
        Path logDir = Files.createDirectories(dir.resolve("node-" + id));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), ClusterNodeMain.class.getName(), Integer.toString(id),
                logDir.toString(), Integer.toString(brokerPorts[i]), Integer.toString(controllerPorts[i]), voters, clusterId);
        processes[i] = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log(id).toFile())).start();
    }

    /** The last {@code lines} lines of a node's log, for an error message that outlives the test's directory. */
    private static String tail(java.nio.file.Path file, int lines) {
        try {
            List<String> all = java.nio.file.Files.readAllLines(file, java.nio.charset.StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (java.io.IOException | RuntimeException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** Waits for a READY line beyond those of the node's earlier lives (the log is appended to). */
    private void awaitReady(int i, Duration timeout) throws Exception {
        int id = nodeId(i);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!processes[i].isAlive()) {
                throw new IllegalStateException("node " + id + " exited with " + processes[i].exitValue() + "; see " + log(id)
                        + " (the temporary directory goes with the test), which ends:\n" + tail(log(id), 30));
            }
            if (readyLines(id) > readyBefore[i]) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("node " + id + " not ready within " + timeout + "; see " + log(id));
    }

    private long readyLines(int id) throws IOException {
        if (!Files.exists(log(id))) {
            return 0;
        }
        try (var lines = Files.lines(log(id), java.nio.charset.StandardCharsets.ISO_8859_1)) {
            return lines.filter(l -> l.equals("READY " + id)).count();
        }
    }

    /** Kills every node (SIGKILL after a short grace); the log directories stay for inspection. */
    @Override
    public void close() {
        for (Process p : processes) {
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
            }
        }
        for (Process p : processes) {
            if (p != null) {
                try {
                    p.waitFor(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
