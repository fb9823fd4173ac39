package org.brainseg.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.djl.ndarray.NDManager;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.brainseg.client.submit.ScanSubmitter;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.schemas.ScanArrived;
import org.brainseg.schemas.SegmentationCompleted;
import org.brainseg.schemas.Topics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.brainseg.model.TinyModels;

/**
 * A long stream of small scans through one in-process worker: heap after GC, resident memory and
 * the number of live NDArrays must stay flat (the last quarter of the run against the first,
 * with bounds that a leak of one mask, volume or tensor per scan would break), the consumer lag
 * must drain to zero, and latency percentiles are reported. Samples are taken at quiet moments
 * (feeding paused until every submitted scan is committed), so that in-flight tensors do not
 * blur the count.
 *
 * <p>Scans are fed closed-loop (at most {@link #OUTSTANDING} submitted and not yet committed), so
 * latency is that of a busy worker, not of a backlog. {@code -Dbrainseg.load.scans=N} sets the
 * count (default 200); {@code -Dbrainseg.soak=true} runs 1,000. Scans are 4 mm synthetic cases
 * without ground truth, the model a tiny LN U-Net: the test measures the pipeline, not the model.
 */
@Timeout(value = 60, unit = TimeUnit.MINUTES)
class WorkerLoadIT extends BrokerFixture {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerLoadIT.class);
    static final int SCANS = Boolean.getBoolean("brainseg.soak") ? 1000 : Integer.getInteger("brainseg.load.scans", 200);
    static final int SAMPLES = 20;
    static final int OUTSTANDING = 4;
    static final double SPACING_MM = 4.0;
    /** Heap after GC may grow this much from the first quarter to the last (a 4 mm mask is ~0.1 MiB, a scan's volumes ~2 MiB). */
    static final long HEAP_BOUND = 32L << 20;
    /** Resident memory may grow this much (allocator arenas and JIT settle); a leaked input tensor per scan is ~2 MiB. */
    static final long RSS_BOUND = 128L << 20;
    /** Live NDArrays between scans are the model's; a leak of one per scan would add SCANS/2 or more. */
    static final int NDARRAY_BOUND = 2;


    record Sample(long completed, long heapBytes, long rssBytes, int ndArrays) {}

    @BeforeAll
    void setUp(@TempDir Path dir) throws Exception {
        useBroker(dir);
        cases = Fixtures.cohort(tmp.resolve("scans"), 8, 41, SPACING_MM);
        model = TinyModels.train(cases, tmp.resolve("models"), 1, 4, SPACING_MM);
    }


    @Test
    void shouldKeepMemoryAndNdArraysFlatAndDrainTheLagUnderAStreamOfScans() throws Exception {
        String p = "load-";
        List<Sample> samples = new ArrayList<>();
        Map<String, ScanArrived> submitted = new HashMap<>();
        long t0;
        long elapsedMs;
        try (NDManager probe = NDManager.newBaseManager();
                Worker w = Worker.start(Fixtures.config(kafka.bootstrapServers(), tmp.resolve("scans"), tmp.resolve("masks"),
                        model, 1, OUTSTANDING, "load"), t -> {});
                ScanSubmitter s = new ScanSubmitter(kafka.bootstrapServers(), Map.of(), Clock.systemUTC())) {
            NDManager system = probe.getParentManager(); // every model's and scan's manager hangs below it
            t0 = System.nanoTime();
            int next = 1;
            for (int i = 0; i < SCANS || w.status().completed() < SCANS; ) {
                long completed = w.status().completed();
                if (i < SCANS && i - completed < OUTSTANDING) {
                    Case c = cases.get(i % cases.size());
                    ScanArrived e = withoutLabel(s.eventFor(c, p + i + "-" + c.id()));
                    s.submit(List.of(e));
                    submitted.put(e.scanId(), e);
                    i++;
                } else {
                    Thread.sleep(2);
                }
                if (i >= (long) next * SCANS / SAMPLES && next <= SAMPLES) {
                    // a quiet moment: everything submitted is committed, so no scan holds tensors
                    int submittedSoFar = i;
                    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(2))
                            .until(() -> w.status().completed() >= submittedSoFar && w.status().inFlight() == 0);
                    samples.add(sample(w.status().completed(), system));
                    next++;
                }
                if (System.nanoTime() - t0 > TimeUnit.MINUTES.toNanos(50)) {
                    throw new AssertionError("not done in 50 minutes: " + w.status());
                }
            }
            elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> lag() == 0);
        }
        List<SegmentationCompleted> done = Outputs.committed(kafka.bootstrapServers(), Map.of(), Topics.SEGMENTATIONS,
                SegmentationCompleted.class, p);
        assertThat(done).hasSize(SCANS);
        assertThat(Outputs.scanIds(done)).hasSize(SCANS);

        List<Long> endToEnd = done.stream()
                .map(d -> Duration.between(submitted.get(d.scanId()).arrivedAt(), d.completedAt()).toMillis()).sorted().toList();
        List<Long> processing = done.stream().map(d -> d.timingsMs().total() - d.timingsMs().queue()).sorted().toList();
        int q = samples.size() / 4;
        List<Sample> first = samples.subList(0, q);
        List<Sample> last = samples.subList(samples.size() - q, samples.size());
        long heapGrowth = median(last, Sample::heapBytes) - median(first, Sample::heapBytes);
        long rssGrowth = median(last, Sample::rssBytes) - median(first, Sample::rssBytes);
        int ndGrowth = last.stream().mapToInt(Sample::ndArrays).max().orElseThrow()
                - first.stream().mapToInt(Sample::ndArrays).max().orElseThrow();
        String report = String.format(Locale.ROOT,
                "%d scans in %.1f s (%.1f scans/min); end-to-end ms p50 %d p95 %d p99 %d; processing ms p50 %d p95 %d p99 %d;"
                        + " heap after GC %s -> %s MiB (%+.1f); RSS %s -> %s MiB (%+.1f); live NDArrays %s -> %s; lag 0",
                SCANS, elapsedMs / 1000.0, SCANS * 60_000.0 / elapsedMs, pct(endToEnd, 50), pct(endToEnd, 95), pct(endToEnd, 99),
                pct(processing, 50), pct(processing, 95), pct(processing, 99),
                mib(median(first, Sample::heapBytes)), mib(median(last, Sample::heapBytes)), heapGrowth / 1048576.0,
                mib(median(first, Sample::rssBytes)), mib(median(last, Sample::rssBytes)), rssGrowth / 1048576.0,
                first.stream().map(x -> Integer.toString(x.ndArrays())).collect(Collectors.joining("/")),
                last.stream().map(x -> Integer.toString(x.ndArrays())).collect(Collectors.joining("/")));
        LOG.info("load: {}", report);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "reliability-load.txt"), report + "\n");
        samples.forEach(x -> LOG.info("sample {}", x));

        assertThat(heapGrowth).as("heap after GC, last quarter vs first").isLessThan(HEAP_BOUND);
        assertThat(rssGrowth).as("RSS, last quarter vs first").isLessThan(RSS_BOUND);
        assertThat(ndGrowth).as("live NDArrays, last quarter vs first").isLessThanOrEqualTo(NDARRAY_BOUND);
    }

    private static Sample sample(long completed, NDManager system) throws InterruptedException {
        System.gc();
        Thread.sleep(20);
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return new Sample(completed, heap, rss(), system.getManagedArrays().size());
    }

    /** Resident set size of this JVM (broker, worker and test together), from /proc. */
    private static long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    /** Unconsumed scans of the workers' group: end offsets minus committed offsets. */
    private long lag() throws Exception {
        try (Admin admin = kafka.createAdmin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("brainseg-workers")
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
            for (int i = 0; i < 3; i++) {
                ask.put(new TopicPartition(Topics.SCANS_ARRIVED, i), OffsetSpec.latest());
            }
            long lag = 0;
            for (var e : admin.listOffsets(ask).all().get(10, TimeUnit.SECONDS).entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                lag += e.getValue().offset() - (c == null ? 0 : c.offset());
            }
            return lag;
        }
    }

    private static ScanArrived withoutLabel(ScanArrived e) {
        return new ScanArrived(e.eventId(), e.scanId(), null, e.arrivedAt(), e.modalities(), null, null, e.labelConvention(),
                Map.of());
    }

    private static long median(List<Sample> xs, java.util.function.ToLongFunction<Sample> f) {
        long[] v = xs.stream().mapToLong(f).sorted().toArray();
        return v[v.length / 2];
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
    }
}
