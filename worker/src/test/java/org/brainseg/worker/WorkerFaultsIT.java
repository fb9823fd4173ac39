package org.brainseg.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.schemas.ErrorCode;
import org.brainseg.schemas.ScanFailed;
import org.brainseg.schemas.SegmentationCompleted;
import org.brainseg.schemas.Topics;
import org.brainseg.service.config.KafkaSection;
import org.brainseg.worker.config.WorkerConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.brainseg.model.TinyModels;

/**
 * Faults around a running in-process worker: the broker stopped and restarted under it (same
 * log directory and ports), the output store unwritable for a while, and the mask disk full. The worker must ride
 * both out without a restart of its own and, for a read_committed reader, publish exactly one
 * outcome per scan.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class WorkerFaultsIT extends BrokerFixture {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerFaultsIT.class);
    /** How long the broker stays down: longer than the worker's max.block.ms, so its commits time out and retry. */
    static final Duration OUTAGE = Duration.ofSeconds(12);


    @BeforeAll
    void setUp(@TempDir Path dir) throws Exception {
        useBroker(dir);
        cases = Fixtures.cohort(tmp.resolve("scans"), 16, 23);
        model = TinyModels.train(cases, tmp.resolve("models"), 1, 4);
    }


    @Test
    void shouldRideOutABrokerRestartAndCompleteEveryScanExactlyOnce() throws Exception {
        String p = "bounce-";
        // max.block.ms 2 s: with the broker away for 12 s, sendOffsetsToTransaction, commitTransaction and abortTransaction
        // time out and the worker's retry path runs (with the 60 s default they would just block).
        WorkerConfig config = withKafkaProperties(config("faults-bounce", tmp.resolve("masks-bounce")),
                Map.of("max.block.ms", "2000", "request.timeout.ms", "2000"));
        AtomicReference<Throwable> fatal = new AtomicReference<>();
        Set<String> expected = new TreeSet<>();
        try (Worker w = Worker.start(config, fatal::set)) {
            expected.addAll(submit(p, cases.subList(0, 12)));
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                    .until(() -> w.status().completed() >= 3);
            long before = w.status().completed();
            kafka.stop();
            LOG.info("broker stopped with {} scans committed; down for {} s", before, OUTAGE.toSeconds());
            try {
                Thread.sleep(OUTAGE.toMillis());
                assertThat(fatal.get()).as("fatal while the broker was down").isNull();
            } finally {
                kafka.start();
            }
            expected.addAll(submit(p, cases.subList(12, 16))); // new scans after the restart flow too
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> {
                assertThat(fatal.get()).as("worker reported a fatal error").isNull();
                return committed(Topics.SEGMENTATIONS, SegmentationCompleted.class, p).size() >= expected.size();
            });
            assertThat(w.status().ready()).as("still ready: %s", w.status().problems()).isTrue();
        }
        assertThat(fatal.get()).isNull();
        List<SegmentationCompleted> done = committed(Topics.SEGMENTATIONS, SegmentationCompleted.class, p);
        assertThat(done).hasSize(expected.size());
        assertThat(Outputs.scanIds(done)).isEqualTo(expected);
        assertThat(committed(Topics.SCANS_FAILED, ScanFailed.class, p)).isEmpty();
        assertThat(Outputs.temporaries(tmp.resolve("masks-bounce"))).isEmpty();
    }

    /**
     * The output root replaced by a regular file: every directory creation under it fails with
     * an I/O error (ENOTDIR). Unlike removing write permission this also stops a worker running
     * as root, which CI containers often do.
     */
    @Test
    void shouldRetryThenFailScansWhileTheOutputRootIsUnwritableAndRecoverOnceWritable() throws Exception {
        String p = "ro-";
        Path masks = tmp.resolve("masks-ro");
        Path aside = tmp.resolve("masks-ro-aside");
        AtomicReference<Throwable> fatal = new AtomicReference<>();
        try (Worker w = Worker.start(config("faults-ro", masks), fatal::set)) {
            Files.move(masks, aside);
            Files.writeString(masks, "the output root is not writable");
            Set<String> blocked = submit(p + "blocked-", cases.subList(0, 2));
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(300))
                    .until(() -> committed(Topics.SCANS_FAILED, ScanFailed.class, p).size() >= blocked.size());
            assertThat(w.status().ready()).isTrue();
            assertThat(w.status().failed()).containsEntry(ErrorCode.TRANSIENT_EXHAUSTED.name(), (long) blocked.size());

            Files.delete(masks); // writable again
            Files.move(aside, masks);
            Set<String> after = submit(p + "after-", cases.subList(2, 4));
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(300))
                    .until(() -> committed(Topics.SEGMENTATIONS, SegmentationCompleted.class, p).size() >= after.size());
            assertThat(Outputs.scanIds(committed(Topics.SEGMENTATIONS, SegmentationCompleted.class, p))).isEqualTo(after);
        }
        assertThat(fatal.get()).isNull();
        List<ScanFailed> failed = committed(Topics.SCANS_FAILED, ScanFailed.class, p);
        assertThat(failed).hasSize(2).allSatisfy(f -> {
            assertThat(f.errorCode()).isEqualTo(ErrorCode.TRANSIENT_EXHAUSTED);
            assertThat(f.attempts()).isEqualTo(3); // retry.maxAttempts of WorkerConfig.local
            assertThat(f.retriable()).isFalse();
        });
        assertThat(failed.stream().map(ScanFailed::scanId).toList()).containsExactlyInAnyOrderElementsOf(
                new ArrayList<>(submittedIds(p + "blocked-", cases.subList(0, 2))));
        // no partial mask, no temp file: nothing of the failed scans exists under the output root
        try (var files = Files.walk(masks)) {
            assertThat(files.map(Path::toString).toList()).noneMatch(n -> n.contains(p + "blocked-"));
        }
        assertThat(Outputs.temporaries(masks)).isEmpty();
    }

    /**
     * The mask root on a 4 MiB tmpfs that runs full: while no space is left, a mask write creates its
     * temporary file and fails at its first flush (ENOSPC); the scans are retried, then reported
     * {@code TRANSIENT_EXHAUSTED}; no partial mask is ever visible under a final name, no temporary
     * file stays, the worker stays ready. Once the space is freed, new scans complete, and every
     * announced mask is on disk with its announced sha256: nothing lost, nothing twice.
     */
    @Test
    void shouldReportScansWhileTheMaskDiskIsFullShowNoPartialMaskAndRecoverOnceSpaceReturns() throws Exception {
        String p = "full-";
        Path masks = tmp.resolve("masks-full");
        AtomicReference<Throwable> fatal = new AtomicReference<>();
        try (SmallDisk disk = SmallDisk.mount(masks, 4L << 20);
                Worker w = Worker.start(config("faults-full", masks), fatal::set)) {
            Set<String> before = submit(p + "before-", cases.subList(4, 5));
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(300))
                    .until(() -> committed(Topics.SEGMENTATIONS, SegmentationCompleted.class, p).size() >= 1);
            long filled = disk.fill();
            LOG.info("mask disk full after {} more bytes", filled);
            Set<String> blocked = submit(p + "blocked-", cases.subList(5, 7));
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(300))
                    .until(() -> committed(Topics.SCANS_FAILED, ScanFailed.class, p).size() >= blocked.size());
            assertThat(w.status().ready()).as("still ready: %s", w.status().problems()).isTrue();
            assertThat(Outputs.temporaries(masks)).as("temporary files left by the failed writes").isEmpty();
            try (var files = Files.walk(masks)) { // their (empty) directories may exist; no file of theirs does
                assertThat(files.filter(Files::isRegularFile).map(Path::toString).toList())
                        .as("no file of the failed scans, partial or whole").noneMatch(n -> n.contains(p + "blocked-"));
            }

            disk.free();
            Set<String> after = submit(p + "after-", cases.subList(7, 9));
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(300))
                    .until(() -> committed(Topics.SEGMENTATIONS, SegmentationCompleted.class, p).size() >= 3);
            assertThat(fatal.get()).isNull();

            List<SegmentationCompleted> done = committed(Topics.SEGMENTATIONS, SegmentationCompleted.class, p);
            Set<String> expectedDone = new TreeSet<>(before);
            expectedDone.addAll(after);
            assertThat(Outputs.scanIds(done)).as("each completed exactly once").hasSize(done.size()).isEqualTo(expectedDone);
            for (SegmentationCompleted d : done) {
                Path mask = Path.of(d.maskUri());
                assertThat(mask).as("announced mask of %s", d.scanId()).isRegularFile();
                assertThat(WorkerIT.ScanProcessorSha.sha256(mask)).as("sha256 of %s", d.scanId()).isEqualTo(d.maskSha256());
            }
            List<ScanFailed> failed = committed(Topics.SCANS_FAILED, ScanFailed.class, p);
            assertThat(failed).hasSize(blocked.size()).allSatisfy(f -> {
                assertThat(f.errorCode()).isEqualTo(ErrorCode.TRANSIENT_EXHAUSTED);
                assertThat(f.message()).containsIgnoringCase("no space left");
            });
            assertThat(failed.stream().map(ScanFailed::scanId).toList()).containsExactlyInAnyOrderElementsOf(blocked);
            assertThat(Outputs.temporaries(masks)).isEmpty();
        }
    }

    private WorkerConfig config(String txId, Path masks) throws Exception {
        return Fixtures.config(kafka.bootstrapServers(), tmp.resolve("scans"), masks, model, 1, 2, txId);
    }

    static WorkerConfig withKafkaProperties(WorkerConfig c, Map<String, String> props) {
        KafkaSection k = c.kafka();
        return new WorkerConfig(new KafkaSection(k.bootstrapServers(), k.groupId(), k.transactionalId(),
                k.maxPollIntervalMs(), props), c.store(), c.model(), c.inference(), c.http(), c.retry());
    }

    private Set<String> submit(String prefix, List<Case> cs) throws Exception {
        Fixtures.submit(kafka.bootstrapServers(), prefix, cs);
        return submittedIds(prefix, cs);
    }

    private static Set<String> submittedIds(String prefix, List<Case> cs) {
        Set<String> ids = new TreeSet<>();
        cs.forEach(c -> ids.add(prefix + c.id()));
        return ids;
    }

    private <T extends org.brainseg.schemas.Event> List<T> committed(String topic, Class<T> type, String prefix) throws Exception {
        return Outputs.committed(kafka.bootstrapServers(), Map.of(), topic, type, prefix);
    }
}
