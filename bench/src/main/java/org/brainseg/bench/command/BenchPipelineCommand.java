package org.brainseg.bench.command;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.brainseg.bench.BenchCases;
import org.brainseg.bench.FreshModel;
import org.brainseg.bench.MemorySample;
import org.brainseg.bench.PipelineBenchmark;
import org.brainseg.cli.command.BadInputException;
import org.brainseg.cli.command.Csv;
import org.brainseg.cli.console.ProgressBar;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.io.FileTrees;
import org.brainseg.model.artifact.ModelArtifactException;
import org.brainseg.model.artifact.ShippedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code brainseg bench pipeline}: end-to-end scans per minute and pipeline overhead (see {@link PipelineBenchmark}). */
@Command(
        name = "pipeline",
        mixinStandardHelpOptions = true,
        description = {
            "End-to-end scans per minute and pipeline overhead through Kafka.",
            "Runs scans end to end through an embedded Kafka broker and worker(s) in this JVM (submit, segment, write,",
            "score, commit) and reports scans per minute and the time per scan outside the model, in seconds and as a",
            "share of the scan time. Synthetic scans at --spacing (generated once and cached); without --model, a",
            "freshly initialised default model working at that spacing."
        })
final class BenchPipelineCommand implements Callable<Integer> {
    static final String CSV_HEADER = "workers,mode,scan_id,latency_s,queue_ms,load_ms,infer_ms,write_ms,total_ms";

    @Option(names = "--scans", defaultValue = "20", description = "measured scans (default: ${DEFAULT-VALUE})")
    int scans;

    @Option(names = "--workers", defaultValue = "1", description = "Worker instances in this JVM, 1.." + PipelineBenchmark.MAX_WORKERS + " (default: ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--spacing", defaultValue = "3", paramLabel = "MM",
            description = "voxel size of the synthetic scans over the BraTS field of view (default: ${DEFAULT-VALUE})")
    double spacing;

    @Option(names = "--model", paramLabel = "DIR|shipped",
            description = "model directory named by its version (e.g. models/1), or 'shipped' for the shipped default model, "
                    + "instead of a fresh model")
    Path model;

    @Option(names = "--paced", description = "submit one scan at a time, each when the previous is committed (latency)")
    boolean paced;

    @Option(names = "--threads", defaultValue = "0",
            description = "PyTorch intra-op threads per worker, 0: cores / workers (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--timeout", defaultValue = "60", paramLabel = "MIN", description = "give up after (default: ${DEFAULT-VALUE} min)")
    int timeoutMin;

    @Option(names = "--cache", paramLabel = "DIR", description = "where generated scans are kept (default: <tmp>/brainseg-bench-cache)")
    Path cache;

    @Option(names = "--csv", paramLabel = "FILE", description = "append every scan's timings to this CSV")
    Path csv;

    @Option(names = "--distinct", paramLabel = "N",
            description = "generate at most N distinct scans and submit them again under new scan ids up to --scans "
                    + "(default: --scans)")
    Integer distinct;

    @Option(names = "--memory-every", paramLabel = "N", defaultValue = "0",
            description = "sample RSS, Java heap and live NDArrays after every N committed scans, 0: off (default: ${DEFAULT-VALUE})")
    int memoryEvery;

    @Option(names = "--memory-csv", paramLabel = "FILE", description = "write the memory samples to this CSV")
    Path memoryCsv;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        BadInputException.requireRange("--scans", scans, 1, 10000);
        int generated = distinct == null ? scans : distinct;
        if (generated < 1 || generated > Math.min(scans, 1000)) {
            throw new BadInputException("--distinct must be 1..min(--scans, 1000), got " + generated);
        }
        BadInputException.requireAtLeast("--memory-every", memoryEvery, 0, "");
        BadInputException.requireMm("--spacing", spacing, 0.5, 8);
        BadInputException.requireAtLeast("--timeout", timeoutMin, 1, "minute");
        try {
            PipelineBenchmark.Config.check(workers, threads);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
        if (model != null && !isShipped() && !Files.isRegularFile(model.resolve("model.json"))) {
            throw new BadInputException("--model " + model + ": no model.json there");
        }
        Path work = Files.createTempDirectory("brainseg-bench-pipeline");
        try {
            BenchCases.Cohort cohort;
            try (ProgressBar bar = new ProgressBar("bench pipeline: scans", generated)) {
                cohort = new BenchCases(cache != null ? cache : BenchCases.defaultCacheDir())
                        .cohort(generated, spacing, r -> bar.step("generated " + r.id()));
            }
            List<Case> submitted = new ArrayList<>();
            for (int i = 0; i < scans; i++) {
                submitted.add(cohort.cases().get(i % cohort.cases().size())); // each submission gets its own scan id
            }
            Path modelDir = modelDir(work.resolve("models").resolve("1"));
            PipelineBenchmark.Config config = new PipelineBenchmark.Config(submitted, cohort.dir(), modelDir, workers, paced,
                    threads, work, Duration.ofMinutes(timeoutMin), memoryEvery);
            PipelineBenchmark.Result r;
            try (ProgressBar bar = new ProgressBar("bench pipeline", scans)) {
                PipelineBenchmark bench = new PipelineBenchmark(config);
                r = bench.run(done -> bar.update(done, ("committed " + bench.memoryStatus()).strip()));
            }
            report(r);
            return 0;
        } finally {
            FileTrees.delete(work); // the fresh model and the masks
        }
    }

    private boolean isShipped() {
        return model != null && model.toString().equals("shipped");
    }

    /** The model to serve, as a directory named by its version: --model, the shipped model copied to {@code dir}, or a fresh one. */
    private Path modelDir(Path dir) throws java.io.IOException, ModelArtifactException {
        if (isShipped()) {
            Path shipped = ShippedModel.directory();
            Files.createDirectories(dir);
            try (var files = Files.list(shipped)) {
                for (Path f : files.toList()) {
                    Files.copy(f, dir.resolve(f.getFileName()));
                }
            }
            return dir;
        }
        return model != null ? model : FreshModel.save(dir, spacing);
    }

    private void report(PipelineBenchmark.Result r) throws java.io.IOException {
        PrintWriter out = spec.commandLine().getOut();
        String mode = paced ? "paced" : "batch";
        out.printf(Locale.ROOT, "%d scans at %s mm; model: %s; %d worker(s) x 1 inference thread; embedded broker, %d partitions; "
                + "%s mode; peak RSS %.0f MB%n", scans, spacing, model != null ? model : FreshModel.describe(spacing), workers,
                PipelineBenchmark.PARTITIONS, mode, r.peakRssMb());
        out.println("| workers | mode | scans | scans/min | median model s | mean model s | median load+write+score s "
                + "| median latency s | scan s | overhead per scan s | overhead share | (old: minus median) |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        out.printf(Locale.ROOT, "| %d | %s | %d | %.1f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.1f %% | %.1f %% |%n", workers,
                mode, scans, r.scansPerMinute(), r.medianModelSeconds(), r.meanModelSeconds(), r.medianWorkerIoSeconds(),
                r.medianLatencySeconds(), r.scanSeconds(), r.overheadSeconds(), 100 * r.overheadShare(),
                100 * r.medianOverheadShare());
        if (!r.memory().isEmpty()) {
            reportMemory(out, r.memory());
        }
        out.flush();
        if (csv != null) {
            List<String> lines = new ArrayList<>();
            for (PipelineBenchmark.Scan s : r.scans()) {
                var t = s.timings();
                lines.add(String.format(Locale.ROOT, "%d,%s,%s,%.4f,%d,%d,%d,%d,%d", workers, mode, s.scanId(), s.latencySeconds(),
                        t.queue(), t.load(), t.infer(), t.write(), t.total()));
            }
            Csv.append(csv, CSV_HEADER, lines.toArray(String[]::new));
        }
    }

    private void reportMemory(PrintWriter out, List<MemorySample> samples) throws java.io.IOException {
        MemorySample first = samples.get(0);
        MemorySample last = samples.get(samples.size() - 1);
        double maxRss = samples.stream().mapToDouble(MemorySample::rssMb).max().orElseThrow();
        int maxArrays = samples.stream().mapToInt(MemorySample::liveNdArrays).max().orElseThrow();
        out.println();
        out.println("| memory after scans | RSS MB | Java heap used MB | live NDArrays |");
        out.println("|---|---|---|---|");
        int step = Math.max(1, samples.size() / 10); // at most ~10 rows plus the last
        for (int i = 0; i < samples.size(); i++) {
            if (i % step == 0 || i == samples.size() - 1) {
                MemorySample m = samples.get(i);
                out.printf(Locale.ROOT, "| %d | %.0f | %.0f | %d |%n", m.scans(), m.rssMb(), m.heapUsedMb(), m.liveNdArrays());
            }
        }
        out.printf(Locale.ROOT, "RSS %.0f -> %.0f MB (max %.0f) over %d scans; live NDArrays %d -> %d (max %d)%n", first.rssMb(),
                last.rssMb(), maxRss, last.scans() - first.scans(), first.liveNdArrays(), last.liveNdArrays(), maxArrays);
        if (memoryCsv != null) {
            List<String> lines = new ArrayList<>(List.of("scans,rss_mb,heap_used_mb,live_ndarrays"));
            for (MemorySample m : samples) {
                lines.add(String.format(Locale.ROOT, "%d,%.1f,%.1f,%d", m.scans(), m.rssMb(), m.heapUsedMb(), m.liveNdArrays()));
            }
            Files.write(memoryCsv, lines);
        }
    }
}
