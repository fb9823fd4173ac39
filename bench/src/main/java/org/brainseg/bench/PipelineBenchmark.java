package org.brainseg.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.utils.Utils;
import org.brainseg.client.consume.EventReader;
import org.brainseg.client.submit.ScanSubmitter;
import org.brainseg.client.topics.TopicsInitializer;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.kafka.embedded.EmbeddedKafka;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.EventDecodingException;
import org.brainseg.schemas.ScanArrived;
import org.brainseg.schemas.SegmentationCompleted;
import org.brainseg.schemas.Topics;
import org.brainseg.worker.Worker;
import org.brainseg.worker.WorkerStatus;
import org.brainseg.worker.config.WorkerConfig;

/**
 * End-to-end throughput and overhead through a real (embedded, single-node KRaft) broker and real
 * workers in this JVM: scans submitted as {@code brainseg submit} does, segmented, masks written,
 * Dice scored, outputs committed in Kafka transactions, and seen by a read_committed consumer.
 *
 * <p>Scan ids are chosen so that the scans spread evenly over the partitions (Kafka's murmur2 key
 * hash), so each worker gets the same share and the figures measure the pipeline, not hash
 * imbalance. Warm-up scans, one per worker, run first and are not counted.
 *
 * <p>Two modes. Batch: all scans submitted at once; the overhead per scan is the worker time per
 * scan ({@code wall x workers / scans}) minus the mean model time, so the overhead share is the
 * fraction of the workers' time not spent in the model: {@code 1 - sum(model) / (wall x workers)}.
 * (Until 2026-12-02 the median model time was subtracted, which goes wrong, even negative, when the
 * model time varies from scan to scan; {@link Result#medianOverheadShare} keeps that reading.) Paced: one scan at a time,
 * each submitted when the previous is committed; the overhead per scan is the median of
 * (submit-to-committed minus model time). Model time is {@code timingsMs.infer} of each
 * SegmentationCompleted: preprocess, network and postprocess.
 */
public final class PipelineBenchmark {
    /** Partitions of brainseg.scans.arrived: divisible by 1, 2, 3 and 4 workers. */
    public static final int PARTITIONS = 12;
    /** The most Worker instances in one benchmark process. */
    public static final int MAX_WORKERS = 4;

    /**
     * @param cases scans to submit, with ground truth (scored like production scans)
     * @param inputRoot the folder holding the scans (the workers may read only there)
     * @param modelDir a model directory named by its version, e.g. {@code models/1}
     * @param workers Worker instances in this JVM, 1..{@value #MAX_WORKERS}, one inference thread each
     * @param paced one scan at a time instead of all at once
     * @param threads PyTorch intra-op threads per worker (0: cores / workers)
     * @param workDir where masks are written
     * @param timeout limit for the whole run
     * @param memoryEvery sample memory ({@link MemorySample}) after every this many committed scans, 0: never
     */
    public record Config(List<Case> cases, Path inputRoot, Path modelDir, int workers, boolean paced, int threads, Path workDir,
            Duration timeout, int memoryEvery) {
        public Config {
            cases = List.copyOf(cases);
            StepBenchmark.require(!cases.isEmpty(), "no scans");
            check(workers, threads);
            StepBenchmark.require(memoryEvery >= 0, "--memory-every must be at least 0, got " + memoryEvery);
        }

        public Config(List<Case> cases, Path inputRoot, Path modelDir, int workers, boolean paced, int threads, Path workDir,
                Duration timeout) {
            this(cases, inputRoot, modelDir, workers, paced, threads, workDir, timeout, 0);
        }

        /** Checks the counts alone, before scans or a model exist. */
        public static void check(int workers, int threads) {
            StepBenchmark.require(workers >= 1 && workers <= MAX_WORKERS, "--workers must be 1.." + MAX_WORKERS + ", got "
                    + workers);
            StepBenchmark.require(threads >= 0 && threads <= 256, "--threads must be 0..256, got " + threads);
        }

        int intraOpThreads() {
            return threads > 0 ? threads : Math.max(1, Runtime.getRuntime().availableProcessors() / workers);
        }
    }

    /**
     * @param scanId the scan
     * @param latencySeconds submit (of all scans, in batch mode) to committed and seen
     * @param timings the worker's timings of the scan
     */
    public record Scan(String scanId, double latencySeconds, SegmentationCompleted.Timings timings) {
        double modelSeconds() {
            return timings.infer() / 1e3;
        }
    }

    /**
     * @param config what was run
     * @param wallSeconds first submit to last committed
     * @param scans per measured scan
     * @param peakRssMb the process's peak resident set size (broker, workers and models included)
     * @param memory samples after the warm-up and then every {@code memoryEvery} scans (empty if off)
     */
    public record Result(Config config, double wallSeconds, List<Scan> scans, double peakRssMb, List<MemorySample> memory) {
        public double scansPerMinute() {
            return scans.size() / wallSeconds * 60;
        }

        public double medianModelSeconds() {
            return Stats.median(scans.stream().mapToDouble(Scan::modelSeconds).toArray());
        }

        public double meanModelSeconds() {
            return scans.stream().mapToDouble(Scan::modelSeconds).average().orElseThrow();
        }

        public double medianLatencySeconds() {
            return Stats.median(scans.stream().mapToDouble(Scan::latencySeconds).toArray());
        }

        /** Load, write and score inside the worker: its total minus queueing and the model. */
        public double medianWorkerIoSeconds() {
            return Stats.median(scans.stream().mapToDouble(s -> (s.timings().total() - s.timings().queue()
                    - s.timings().infer()) / 1e3).toArray());
        }

        /** Time per scan outside the model; see the class comment for the two modes. */
        public double overheadSeconds() {
            if (config.paced()) {
                return Stats.median(scans.stream().mapToDouble(s -> s.latencySeconds() - s.modelSeconds()).toArray());
            }
            return scanSeconds() - meanModelSeconds();
        }

        /** Time per scan: worker time per scan in batch mode, median latency when paced. */
        public double scanSeconds() {
            return config.paced() ? medianLatencySeconds() : wallSeconds * config.workers() / scans.size();
        }

        public double overheadShare() {
            return overheadSeconds() / scanSeconds();
        }

        /** Batch mode's share as measured before 2026-12-02: scan s minus the median model time, over scan s. */
        public double medianOverheadShare() {
            return config.paced() ? overheadShare() : (scanSeconds() - medianModelSeconds()) / scanSeconds();
        }
    }

    private final Config config;
    private final EventCodec codec = new EventCodec();
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private final List<MemorySample> memory = new java.util.concurrent.CopyOnWriteArrayList<>();
    private int nextSample;

    private record Seen(long nanos, SegmentationCompleted event) {}

    public PipelineBenchmark(Config config) {
        this.config = config;
    }

    /** @param onScan called with the number of measured scans committed so far */
    public Result run(IntConsumer onScan) throws Exception {
        Path masks = Files.createDirectories(config.workDir().resolve("masks"));
        AtomicBoolean following = new AtomicBoolean(true);
        try (EmbeddedKafka kafka = EmbeddedKafka.startDefault()) {
            try (Admin admin = kafka.createAdmin()) {
                TopicsInitializer.createAll(admin, PARTITIONS, (short) 1, Duration.ofSeconds(30));
            }
            Thread follower = new Thread(() -> follow(kafka.bootstrapServers(), following), "bench-follower");
            follower.start();
            List<Worker> workers = new ArrayList<>();
            try (ScanSubmitter submitter = new ScanSubmitter(kafka.bootstrapServers(), Map.of(), Clock.systemUTC())) {
                for (int w = 0; w < config.workers(); w++) {
                    workers.add(Worker.start(WorkerConfig.local(kafka.bootstrapServers(), "brainseg-bench-" + w, config.inputRoot(),
                            masks, config.modelDir(), 1, 2, config.intraOpThreads()), t -> { }));
                }
                long deadline = System.nanoTime() + config.timeout().toNanos();
                awaitAssigned(workers, deadline);
                warmUp(submitter, workers, deadline);
                return measure(submitter, workers, deadline, onScan);
            } finally {
                for (Worker w : workers) {
                    w.close();
                }
                following.set(false);
                follower.join();
            }
        }
    }

    private Result measure(ScanSubmitter submitter, List<Worker> workers, long deadline, IntConsumer onScan) throws Exception {
        List<ScanArrived> events = new ArrayList<>();
        for (int i = 0; i < config.cases().size(); i++) {
            Case c = config.cases().get(i);
            events.add(submitter.eventFor(c, idOnPartition("bench-" + i + "-" + c.id(), i % PARTITIONS)));
        }
        sampleMemory(0);
        long start = System.nanoTime();
        List<Scan> scans = new ArrayList<>();
        if (config.paced()) {
            for (ScanArrived e : events) {
                long t0 = System.nanoTime();
                submitter.submit(List.of(e));
                Seen s = await(List.of(e.scanId()), workers, deadline).get(0);
                scans.add(new Scan(e.scanId(), (s.nanos() - t0) / 1e9, s.event().timingsMs()));
                onScan.accept(scans.size());
                sampleMemory(scans.size());
            }
        } else {
            submitter.submit(events);
            List<String> ids = events.stream().map(ScanArrived::scanId).toList();
            List<Seen> all = await(ids, workers, deadline, n -> {
                onScan.accept(n);
                sampleMemory(n);
            });
            for (int i = 0; i < ids.size(); i++) {
                scans.add(new Scan(ids.get(i), (all.get(i).nanos() - start) / 1e9, all.get(i).event().timingsMs()));
            }
        }
        long end = scans.stream().mapToLong(s -> seen.get(s.scanId()).nanos()).max().orElseThrow();
        return new Result(config, (end - start) / 1e9, scans, PeakRss.megabytes(), List.copyOf(memory));
    }

    /** The latest memory sample as progress text ("" before the first), so a run cut short still shows the trend. */
    public String memoryStatus() {
        List<MemorySample> m = List.copyOf(memory);
        if (m.isEmpty()) {
            return "";
        }
        MemorySample last = m.get(m.size() - 1);
        return String.format(java.util.Locale.ROOT, "after %d: RSS %.0f MB, heap %.0f MB, %d NDArrays", last.scans(), last.rssMb(),
                last.heapUsedMb(), last.liveNdArrays());
    }

    /**
     * A memory sample once {@code committed} reaches the next multiple of memoryEvery (counts can jump
     * by more than one between polls), and at the last scan.
     */
    private void sampleMemory(int committed) {
        int every = config.memoryEvery();
        int lastSampled = memory.isEmpty() ? -1 : memory.get(memory.size() - 1).scans();
        if (every > 0 && committed > lastSampled
                && (committed >= nextSample || committed == config.cases().size())) {
            memory.add(MemorySample.take(committed));
            nextSample = (committed / every + 1) * every;
        }
    }

    /** One scan per worker, on one of its partitions, to load the JIT and PyTorch's allocator. */
    private void warmUp(ScanSubmitter submitter, List<Worker> workers, long deadline) throws Exception {
        List<ScanArrived> events = new ArrayList<>();
        for (int w = 0; w < workers.size(); w++) {
            int partition = partitionsOf(workers.get(w).status()).get(0);
            Case c = config.cases().get(w % config.cases().size());
            events.add(submitter.eventFor(c, idOnPartition("warmup-" + w + "-" + c.id(), partition)));
        }
        submitter.submit(events);
        await(events.stream().map(ScanArrived::scanId).toList(), workers, deadline);
    }

    private List<Seen> await(List<String> ids, List<Worker> workers, long deadline) throws Exception {
        return await(ids, workers, deadline, n -> { });
    }

    private List<Seen> await(List<String> ids, List<Worker> workers, long deadline, IntConsumer onScan) throws Exception {
        int reported = -1;
        while (true) {
            int n = (int) ids.stream().filter(seen::containsKey).count();
            if (n != reported) {
                onScan.accept(n);
                reported = n;
            }
            if (n == ids.size()) {
                return ids.stream().map(seen::get).toList();
            }
            for (Worker w : workers) {
                long failed = w.status().failed().values().stream().mapToLong(Long::longValue).sum();
                if (failed > 0) {
                    throw new IllegalStateException("a worker failed scans: " + w.status().failed() + " " + w.status().problems());
                }
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException(n + " of " + ids.size() + " scans committed before the timeout");
            }
            Thread.sleep(5);
        }
    }

    /** Waits until the workers share all partitions (the group has settled). */
    private static void awaitAssigned(List<Worker> workers, long deadline) throws Exception {
        while (workers.stream().mapToInt(w -> partitionsOf(w.status()).size()).sum() != PARTITIONS
                || !workers.stream().allMatch(w -> w.status().ready())) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("workers not ready: " + workers.stream().map(Worker::status).toList());
            }
            Thread.sleep(50);
        }
    }

    private static List<Integer> partitionsOf(WorkerStatus s) {
        return s.partitions().stream().map(p -> Integer.parseInt(p.substring(p.lastIndexOf('-') + 1))).toList();
    }

    /** {@code base} plus the shortest suffix whose key Kafka's default partitioner sends to {@code partition}. */
    static String idOnPartition(String base, int partition) {
        for (int k = 0; ; k++) {
            String id = base + "-" + k;
            byte[] key = id.getBytes(StandardCharsets.UTF_8);
            if (Utils.toPositive(Utils.murmur2(key)) % PARTITIONS == partition) {
                return id;
            }
        }
    }

    private void follow(String bootstrap, AtomicBoolean keepGoing) {
        try (EventReader reader = new EventReader(bootstrap, Map.of(), Topics.SEGMENTATIONS)) {
            reader.follow(rec -> {
                long now = System.nanoTime();
                try {
                    SegmentationCompleted e = codec.decode(rec.value(), SegmentationCompleted.class);
                    seen.putIfAbsent(e.scanId(), new Seen(now, e));
                } catch (EventDecodingException e) {
                    throw new IllegalStateException("undecodable SegmentationCompleted from the worker", e);
                }
            }, keepGoing::get);
        }
    }
}
