package org.brainseg.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.kafka.embedded.EmbeddedKafka;
import org.brainseg.kafka.embedded.TopicsInitializer;
import org.brainseg.schemas.DiceReported;
import org.brainseg.schemas.Event;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.ScanArrived;
import org.brainseg.schemas.SegmentationCompleted;
import org.brainseg.schemas.Topics;
import org.brainseg.worker.client.EventReader;
import org.brainseg.worker.client.ScanSubmitter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery promise under kill -9: a worker process (its own JVM, started as a deployment
 * would start it, from a YAML file) is killed with SIGKILL while scans stream through it and then
 * restarted with the same transactional id, which fences the killed instance's open transaction.
 * A read_committed reader must then see exactly one SegmentationCompleted per scan, none lost,
 * and the mask directory must hold no temp file of an interrupted write.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class WorkerKillIT {
    static final int SCANS = 20;
    static final String PREFIX = "k-";
    private static final Logger LOG = LoggerFactory.getLogger(WorkerKillIT.class);

    Path tmp;
    EmbeddedKafka kafka;
    List<Case> cases;
    Path model;
    final EventCodec codec = new EventCodec();
    final List<Process> started = new ArrayList<>();

    @BeforeAll
    void setUp(@TempDir Path dir) throws Exception {
        tmp = dir;
        kafka = EmbeddedKafka.startDefault();
        try (Admin admin = kafka.createAdmin()) {
            TopicsInitializer.createAll(admin, 3, (short) 1, Duration.ofSeconds(30));
        }
        cases = Fixtures.cohort(tmp.resolve("scans"), SCANS, 11);
        model = Fixtures.tinyModel(cases, tmp.resolve("models"), 1, 4);
    }

    @AfterAll
    void tearDown() {
        started.forEach(Process::destroyForcibly); // never leave a worker JVM behind a failed test
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldCommitEveryScanExactlyOnceWhenTheWorkerIsKilledMidStreamAndRestarted() throws Exception {
        Path config = writeConfig();
        Path masks = tmp.resolve("masks");
        Set<String> expected = new TreeSet<>();
        try (ScanSubmitter s = new ScanSubmitter(kafka.bootstrapServers(), Map.of(), Clock.systemUTC())) {
            List<ScanArrived> events = new ArrayList<>();
            for (Case c : cases) {
                events.add(s.eventFor(c, PREFIX + c.id()));
                expected.add(PREFIX + c.id());
            }
            s.submit(events);
        }

        Process first = startWorker(config, tmp.resolve("worker-1.log"));
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250)).until(() -> {
            assertThat(first.isAlive()).as("first worker exited early: %s", tail(tmp.resolve("worker-1.log"))).isTrue();
            return committed(Topics.SEGMENTATIONS, SegmentationCompleted.class).size() >= 3;
        });
        first.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no abort, no commit
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Set<String> doneAtKill = scanIds(committed(Topics.SEGMENTATIONS, SegmentationCompleted.class));
        assertThat(doneAtKill.size()).as("the kill must come mid-stream").isBetween(3, SCANS - 1);
        LOG.info("killed the worker with {} of {} scans committed", doneAtKill.size(), SCANS);

        // What a kill during a mask write leaves behind, for a scan the killed worker never committed.
        String unfinished = expected.stream().filter(id -> !doneAtKill.contains(id)).findFirst().orElseThrow();
        Path staleTemp = masks.resolve(unfinished).resolve("v1").resolve("." + unfinished + "_seg.nii.gz." + UUID.randomUUID() + ".tmp");
        Files.createDirectories(staleTemp.getParent());
        Files.write(staleTemp, new byte[] {31, -117, 8});

        Process second = startWorker(config, tmp.resolve("worker-2.log"));
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500)).until(() -> {
            assertThat(second.isAlive()).as("restarted worker exited: %s", tail(tmp.resolve("worker-2.log"))).isTrue();
            return committed(Topics.SEGMENTATIONS, SegmentationCompleted.class).size() >= SCANS
                    && committed(Topics.DICE, DiceReported.class).size() >= SCANS;
        });
        second.destroy(); // SIGTERM: the graceful path, so that a late duplicate would have been committed by now
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();

        List<SegmentationCompleted> done = committed(Topics.SEGMENTATIONS, SegmentationCompleted.class);
        assertThat(done).hasSize(SCANS);
        assertThat(scanIds(done)).isEqualTo(expected);
        List<DiceReported> dice = committed(Topics.DICE, DiceReported.class);
        assertThat(dice).hasSize(SCANS);
        assertThat(dice.stream().map(DiceReported::scanId).collect(Collectors.toSet())).isEqualTo(expected);
        for (SegmentationCompleted d : done) {
            Path mask = Path.of(d.maskUri());
            assertThat(mask).exists();
            assertThat(WorkerIT.ScanProcessorSha.sha256(mask)).isEqualTo(d.maskSha256());
        }
        try (Stream<Path> files = Files.walk(masks)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.startsWith(".") && n.endsWith(".tmp"));
        }
    }

    private Path writeConfig() throws IOException {
        Files.createDirectories(tmp.resolve("masks"));
        String yaml = String.join("\n",
                "kafka:",
                "  bootstrapServers: " + kafka.bootstrapServers(),
                "  groupId: kill-it",
                // the same id for both runs: the restarted producer's initTransactions aborts the killed one's transaction
                "  transactionalId: kill-it-worker",
                "  maxPollIntervalMs: 60000",
                "store:",
                "  inputRoots: [" + tmp.resolve("scans") + "]",
                "  outputRoot: " + tmp.resolve("masks"),
                "model:",
                "  directory: " + model,
                "  device: cpu",
                "inference:",
                "  threads: 1",
                "  maxInFlight: 2",
                "  intraOpThreads: 1",
                "http:",
                "  port: 0",
                "retry:",
                "  maxAttempts: 3",
                "  initialBackoffMs: 20",
                "  maxBackoffMs: 200",
                "");
        return Files.writeString(tmp.resolve("worker.yaml"), yaml);
    }

    /** A worker in its own JVM, as a container would run it. */
    private Process startWorker(Path config, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true",
                WorkerMain.class.getName(), config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        started.add(p);
        return p;
    }

    private <T extends Event> List<T> committed(String topic, Class<T> type) throws Exception {
        try (EventReader r = new EventReader(kafka.bootstrapServers(), Map.of(), topic)) {
            List<T> out = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> rec : r.readAll(Duration.ofSeconds(30))) {
                String key = rec.key() == null ? "" : new String(rec.key(), StandardCharsets.UTF_8);
                if (key.startsWith(PREFIX)) {
                    out.add(codec.decode(rec.value(), type));
                }
            }
            return out;
        }
    }

    private static Set<String> scanIds(List<SegmentationCompleted> done) {
        return done.stream().map(SegmentationCompleted::scanId).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
