package org.brainseg.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.brainseg.client.submit.ScanSubmitter;
import org.brainseg.client.topics.TopicsInitializer;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.kafka.embedded.KafkaCluster;
import org.brainseg.model.TinyModels;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.ModelStatus;
import org.brainseg.schemas.ModelVersionPublished;
import org.brainseg.schemas.ScanArrived;
import org.brainseg.schemas.ScanFailed;
import org.brainseg.schemas.SegmentationCompleted;
import org.brainseg.schemas.Topics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployment users grow into: three Kafka brokers (combined KRaft controllers) as separate
 * processes, brainseg's topics created by its own initializer with replication factor 3 and
 * {@code min.insync.replicas} 2, two worker processes following brainseg.models from a shared
 * registry. While a stream of scans flows, the faults of a real cluster: the broker leading the
 * input partitions SIGKILLed (and a new model version published during that failover), restarted,
 * every broker restarted in turn (SIGTERM, a rolling restart), one worker SIGKILLed mid-stream and
 * restarted; and, in a second stream, a broker cut off by SIGSTOP for longer than every session
 * timeout, then resumed. An independent audit reads every output read_committed: every scan has
 * exactly one outcome, every mask its announced sha256, no temp file is left, the consumer group's
 * lag is 0. The cluster is shared by the class; each test brings its own workers. A worker that
 * exits fatally (code 3, its request for a restart) is restarted while the audit waits, as an
 * orchestrator would restart it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ClusterFaultsIT {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterFaultsIT.class);
    static final Duration NODE_START = Duration.ofMinutes(3);
    /** How long the audit waits without a new outcome before it calls the stream stuck. */
    static final Duration STALL = Duration.ofMinutes(2);
    static final List<String> TOPICS = Topics.all().stream().map(Topics.Spec::name).toList();

    Path tmp;
    KafkaCluster cluster;
    List<Case> cases;
    Path registry;
    Path model1;
    Path model2;
    final EventCodec codec = new EventCodec();
    final List<WorkerProcess> workers = new ArrayList<>();
    /** Workers that exited fatally and were started again (each once). */
    final Set<WorkerProcess> restarted = new HashSet<>();

    @BeforeAll
    void setUp(@TempDir Path dir) throws Exception {
        tmp = dir;
        cluster = KafkaCluster.start(tmp.resolve("cluster"), 3, NODE_START);
        try (Admin admin = cluster.createAdmin()) {
            TopicsInitializer.createAll(admin, Topics.DEFAULT_SCAN_PARTITIONS, (short) 3, Duration.ofSeconds(60));
        }
        cluster.awaitFullIsr(TOPICS, Duration.ofMinutes(1));
        cases = Fixtures.cohort(tmp.resolve("scans"), 8, 61);
        registry = tmp.resolve("registry");
        model1 = ModelVersions.copy(TinyModels.train(cases, tmp.resolve("trained"), 1, 3), registry.resolve("brainseg/1"));
        model2 = ModelVersions.copy(TinyModels.train(cases, tmp.resolve("trained"), 2, 3), registry.resolve("brainseg/2"));
        publishModels(ModelVersions.event("brainseg", 1, model1, ModelStatus.ACTIVE));
    }

    /** Each test's workers go with it, also when it fails: a stuck worker left in the group would hold the next test's partitions. */
    @AfterEach
    void stopWorkers() {
        workers.forEach(WorkerProcess::close);
        workers.clear();
        restarted.clear();
    }

    @AfterAll
    void tearDown() {
        workers.forEach(WorkerProcess::close);
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void shouldDeliverEveryScanExactlyOnceThroughLeaderDeathRestartsAWorkerKillAndAModelSwap() throws Exception {
        String p = "cluster-";
        Path masks = tmp.resolve("masks-a");
        WorkerProcess w1 = startWorker("cluster-w1", masks);
        startWorker("cluster-w2", masks);
        // Two workers on 2 loaded cores complete about one scan every 4 s while the brokers restart: a scan
        // every 3 s keeps them busy through every fault without a backlog that takes minutes to drain.
        Stream stream = new Stream(p, 24, Duration.ofMillis(3000));
        awaitCompleted(p, 8, Duration.ofMinutes(3));
        List<String> faults = new ArrayList<>();

        int leader = cluster.leaderOf(Topics.SCANS_ARRIVED, 0);
        cluster.kill(leader);
        faults.add(stream.at("SIGKILL of node " + leader + ", the leader of " + Topics.SCANS_ARRIVED + "-0"));
        // a promotion as the trainer publishes it, while leadership moves
        publishModels(ModelVersions.event("brainseg", 2, model2, ModelStatus.ACTIVE),
                ModelVersions.withStatus(ModelVersions.event("brainseg", 1, model1, ModelStatus.ACTIVE), ModelStatus.RETIRED));
        faults.add(stream.at("model v2 published during the failover"));
        Thread.sleep(10_000);
        cluster.restart(leader, NODE_START);
        cluster.awaitFullIsr(TOPICS, Duration.ofMinutes(2));
        faults.add(stream.at("node " + leader + " restarted, replicas in sync"));

        for (int n = 1; n <= cluster.size(); n++) {
            cluster.stop(n);
            cluster.restart(n, NODE_START);
            cluster.awaitFullIsr(TOPICS, Duration.ofMinutes(2));
            faults.add(stream.at("rolling restart: node " + n + " stopped (SIGTERM), started, in sync"));
        }

        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20)).until(() -> w1.inFlight() > 0);
        w1.kill();
        faults.add(stream.at("worker 1 SIGKILLed with a scan taken and not committed"));
        startWorker("cluster-w1", masks); // the same transactional id: the killed one's open transaction is aborted
        faults.add(stream.at("worker 1 restarted"));

        Set<String> submitted = stream.finish();
        Audit a = audit(p, submitted, masks);
        assertThat(a.byVersion()).as("scans completed by the version published during the failover").containsKey(2);
        LOG.info("cluster faults, each with the stream's state at that moment:\n  {}\n{}", String.join("\n  ", faults), a);
    }

    @Test
    void shouldDeliverEveryScanExactlyOnceWhileABrokerIsCutOffAndComesBack() throws Exception {
        String p = "paused-";
        Path masks = tmp.resolve("masks-b");
        startWorker("paused-w1", masks);
        startWorker("paused-w2", masks);
        Stream stream = new Stream(p, 24, Duration.ofMillis(1000));
        awaitCompleted(p, 4, Duration.ofMinutes(3));
        int leader = cluster.leaderOf(Topics.SCANS_ARRIVED, 0);
        cluster.pause(leader);
        String paused = stream.at("node " + leader + " (leader of " + Topics.SCANS_ARRIVED + "-0) paused");
        try {
            Thread.sleep(25_000); // past the brokers' session (9 s), the workers' (6 s) and replica lag (10 s)
        } finally {
            cluster.resume(leader);
        }
        String resumed = stream.at("resumed after 25 s");
        cluster.awaitFullIsr(TOPICS, Duration.ofMinutes(2));
        Set<String> submitted = stream.finish();
        Audit a = audit(p, submitted, masks);
        LOG.info("{}; {}; {}", paused, resumed, a);
    }

    /** What the audit found: scans, outcomes, completions per model version (no scan lost, none twice). */
    record Audit(int scans, int completed, int failed, Map<Integer, Long> byVersion) {}

    /**
     * Waits until every submitted scan has an outcome, then checks with a read_committed reader of
     * its own: exactly one outcome per scan, masks as announced, no temp files, lag 0.
     */
    Audit audit(String prefix, Set<String> submitted, Path masks) throws Exception {
        awaitOutcomes(prefix, submitted);
        List<SegmentationCompleted> done = committed(Topics.SEGMENTATIONS, SegmentationCompleted.class, prefix);
        List<ScanFailed> failed = committed(Topics.SCANS_FAILED, ScanFailed.class, prefix);
        List<String> all = new ArrayList<>();
        done.forEach(d -> all.add(d.scanId()));
        failed.forEach(f -> all.add(f.scanId()));
        Map<String, Long> count = all.stream().collect(Collectors.groupingBy(s -> s, Collectors.counting()));
        assertThat(count.keySet()).as("one outcome for every submitted scan, none for others").isEqualTo(submitted);
        assertThat(count.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList())
                .as("scans with more than one outcome").isEmpty();
        for (SegmentationCompleted d : done) {
            assertThat(WorkerIT.ScanProcessorSha.sha256(Path.of(d.maskUri()))).as("mask of %s", d.scanId()).isEqualTo(d.maskSha256());
        }
        assertThat(Outputs.temporaries(masks)).as("temporary files").isEmpty();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() -> lag() == 0);
        return new Audit(submitted.size(), done.size(), failed.size(), done.stream()
                .collect(Collectors.groupingBy(SegmentationCompleted::modelVersion, java.util.TreeMap::new, Collectors.counting())));
    }

    /**
     * Waits while outcomes keep coming (a backlog on a loaded 2-core machine drains slowly), failing
     * once none came for {@link #STALL} or the class timeout nears; on failure, says which scans have
     * none, the group's lag, and each worker's log (kept under target/cluster-faults/).
     */
    void awaitOutcomes(String prefix, Set<String> submitted) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(8).toNanos();
        int seen = -1;
        long lastProgress = System.nanoTime();
        while (true) {
            restartFatallyExited();
            List<String> got = outcomes(prefix);
            if (got.size() >= submitted.size()) {
                return;
            }
            if (got.size() > seen) {
                seen = got.size();
                lastProgress = System.nanoTime();
            }
            long now = System.nanoTime();
            if (now - lastProgress > STALL.toNanos() || now > deadline) {
                Set<String> missing = new TreeSet<>(submitted);
                missing.removeAll(got);
                Path keep = Path.of("target", "cluster-faults", prefix + System.currentTimeMillis());
                Files.createDirectories(keep);
                StringBuilder tails = new StringBuilder();
                for (WorkerProcess w : workers) {
                    Files.copy(w.log(), keep.resolve(w.log().getFileName()));
                    tails.append("\n--- ").append(w.log().getFileName()).append(w.isAlive() ? "" : " (dead)").append(" ---\n")
                            .append(w.tail());
                }
                throw new AssertionError(String.format("%d of %d scans have an outcome after %s without progress; "
                        + "lag %d; missing %s; worker logs in %s%s", got.size(), submitted.size(),
                        Duration.ofNanos(now - lastProgress), lag(), missing, keep.toAbsolutePath(), tails));
            }
            Thread.sleep(1000);
        }
    }

    /** Committed offsets of brainseg-workers against the end of brainseg.scans.arrived, summed. */
    long lag() throws Exception {
        try (Admin admin = cluster.createAdmin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("brainseg-workers")
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            for (int i = 0; i < Topics.DEFAULT_SCAN_PARTITIONS; i++) {
                ends.put(new TopicPartition(Topics.SCANS_ARRIVED, i), OffsetSpec.latest());
            }
            long lag = 0;
            for (var e : admin.listOffsets(ends, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                    .get(30, TimeUnit.SECONDS).entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                lag += e.getValue().offset() - (c == null ? 0 : c.offset());
            }
            return lag;
        }
    }

    /**
     * Scans submitted at a steady pace on a thread of their own, through an idempotent producer that
     * waits out leader changes (acks=all, retries within a 3-minute delivery timeout): each scan is
     * sent once and written once. It goes on until {@link #finish} and at least {@code min} scans,
     * so the faults always fall inside the stream however slow the machine.
     */
    final class Stream {
        private final Set<String> ids = Collections.synchronizedSet(new TreeSet<>());
        private final String prefix;
        private volatile boolean finishing;
        private final CompletableFuture<Void> done;

        Stream(String prefix, int min, Duration pace) {
            this.prefix = prefix;
            done = CompletableFuture.runAsync(() -> run(min, pace));
        }

        private void run(int min, Duration pace) {
            Map<String, Object> props = new HashMap<>();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 180_000);
            props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 180_000);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                    new ByteArraySerializer());
                    ScanSubmitter events = new ScanSubmitter(cluster.bootstrapServers(), Map.of(), Clock.systemUTC())) {
                for (int i = 0; i < min || !finishing; i++) {
                    Case c = cases.get(i % cases.size());
                    ScanArrived e = events.eventFor(c, prefix + i + "-" + c.id());
                    producer.send(new ProducerRecord<>(Topics.SCANS_ARRIVED, e.scanId().getBytes(StandardCharsets.UTF_8),
                            codec.encode(e))).get(4, TimeUnit.MINUTES);
                    ids.add(e.scanId());
                    Thread.sleep(pace.toMillis());
                }
            } catch (Exception e) {
                throw new IllegalStateException("submitting failed after " + ids.size() + " scans", e);
            }
            LOG.info("submitted {} scans ({})", ids.size(), prefix);
        }

        /** {@code what}, with how many scans were submitted and completed at that moment. */
        String at(String what) throws Exception {
            return what + " (submitted " + ids.size() + ", completed "
                    + committed(Topics.SEGMENTATIONS, SegmentationCompleted.class, prefix).size() + ")";
        }

        /** Lets the stream end once it has its minimum; returns every scan it submitted. */
        Set<String> finish() throws Exception {
            finishing = true;
            done.get(10, TimeUnit.MINUTES);
            return new TreeSet<>(ids);
        }
    }

    /**
     * A worker that exited with the fatal code asks its orchestrator for a restart: this test's
     * orchestrator obliges, as a Kubernetes restart policy does, with the same YAML (so the same
     * transactional id, whose open transaction the new instance aborts).
     */
    void restartFatallyExited() throws Exception {
        for (WorkerProcess w : List.copyOf(workers)) {
            if (w.exitedFatally() && restarted.add(w)) {
                Path log = tmp.resolve(w.config().getFileName() + "-restart-" + workers.size() + ".log");
                LOG.warn("worker of {} exited fatally (code 3); restarting it as an orchestrator would. Its log ends:\n{}",
                        w.config().getFileName(), w.tail());
                WorkerProcess again = WorkerProcess.start(w.config(), log);
                workers.add(again);
                assertThat(again.awaitReady(Duration.ofMinutes(3))).as("restarted worker ready; log %s", log).isTrue();
            }
        }
    }

    WorkerProcess startWorker(String transactionalId, Path masks) throws Exception {
        Path yaml = WorkerYaml.of(cluster.bootstrapServers(), transactionalId, tmp.resolve("scans"), masks, model1)
                .following(registry)
                // a killed worker's partitions move within seconds, not after the 45 s default
                .kafkaProperty("session.timeout.ms", "6000").kafkaProperty("heartbeat.interval.ms", "1000")
                .write(tmp.resolve(transactionalId + "-" + workers.size() + ".yaml"));
        Path log = tmp.resolve(transactionalId + "-" + workers.size() + ".log");
        WorkerProcess w = WorkerProcess.start(yaml, log);
        workers.add(w);
        assertThat(w.awaitReady(Duration.ofMinutes(3))).as("worker %s ready; log %s", transactionalId, log).isTrue();
        return w;
    }

    void awaitCompleted(String prefix, int n, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(500)).until(() ->
                committed(Topics.SEGMENTATIONS, SegmentationCompleted.class, prefix).size() >= n);
    }

    List<String> outcomes(String prefix) throws Exception {
        List<String> ids = new ArrayList<>();
        committed(Topics.SEGMENTATIONS, SegmentationCompleted.class, prefix).forEach(d -> ids.add(d.scanId()));
        committed(Topics.SCANS_FAILED, ScanFailed.class, prefix).forEach(f -> ids.add(f.scanId()));
        return ids;
    }

    <T extends org.brainseg.schemas.Event> List<T> committed(String topic, Class<T> type, String prefix) throws Exception {
        return Outputs.committed(cluster.bootstrapServers(), Map.of(), topic, type, prefix);
    }

    /** Publishes model events, retrying while the cluster moves leadership (a rerun publishes the same statuses). */
    void publishModels(ModelVersionPublished... events) {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).ignoreExceptions().until(() -> {
            ModelVersions.publish(cluster.bootstrapServers(), events);
            return true;
        });
    }
}
