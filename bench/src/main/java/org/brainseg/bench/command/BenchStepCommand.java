package org.brainseg.bench.command;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.brainseg.bench.Stats;
import org.brainseg.bench.StepBenchmark;
import org.brainseg.cli.command.BadInputException;
import org.brainseg.cli.command.Csv;
import org.brainseg.cli.console.ProgressBar;
import org.brainseg.schemas.Normalization;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code brainseg bench step}: one training step's time and the process's peak RSS (see {@link StepBenchmark}). */
@Command(
        name = "step",
        mixinStandardHelpOptions = true,
        description = {
            "Training step time and peak RSS, as one Markdown row.",
            "Times training steps (forward, Dice+CE loss, backward, Adam) on seeded tumour-like patches: median, min, max,",
            "and the process's peak RSS (VmHWM); --csv appends a CSV row. Peak RSS is per process: run one",
            "configuration per process (bench/model_steps.sh does)."
        })
final class BenchStepCommand implements Callable<Integer> {
    static final List<String> HEADER = List.of(
            "| patch | normalization | batch | depth / width | threads | steps (warm-up) | median s | min s | max s | peak RSS MB |",
            "|---|---|---|---|---|---|---|---|---|---|");
    static final String CSV_HEADER = "patch,normalization,batch,depth,width,threads,steps,warmup,median_s,min_s,max_s,peak_rss_mb,step_s";

    @Option(names = "--patch", defaultValue = "64", description = "patch edge in voxels (default: ${DEFAULT-VALUE})")
    int patch;

    @Option(names = "--normalization", defaultValue = "layer",
            description = "none, layer, layer-channel, instance, group or batch (default: ${DEFAULT-VALUE})")
    String normalization;

    @Option(names = "--steps", defaultValue = "5", description = "measured steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--warmup", defaultValue = "1", description = "unmeasured steps first (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--depth", defaultValue = "3", description = "U-Net levels (default: ${DEFAULT-VALUE})")
    int depth;

    @Option(names = "--width", defaultValue = "8", description = "channels of the first level (default: ${DEFAULT-VALUE})")
    int width;

    @Option(names = "--batch", defaultValue = "2", description = "patches per step (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--threads", defaultValue = "0", description = "PyTorch intra-op threads, 0: all cores (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--csv", paramLabel = "FILE", description = "append the result (and every step's time) to this CSV")
    Path csv;

    @Option(names = "--header", description = "print the Markdown table header before the row")
    boolean header;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Normalization norm;
        try {
            norm = Normalization.parse(normalization);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--normalization: " + e.getMessage());
        }
        StepBenchmark.Config config;
        try {
            config = new StepBenchmark.Config(patch, norm, steps, warmup, depth, width, batch, threads);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
        StepBenchmark.Result r;
        try (ProgressBar bar = new ProgressBar("bench step " + norm + " " + patch, warmup + steps)) {
            r = new StepBenchmark(config).run(done -> bar.update(done, done <= warmup ? "warm-up" : ""));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (header) {
            HEADER.forEach(out::println);
        }
        out.printf(Locale.ROOT, "| %d³ | %s | %d | %d / %d | %d | %d (%d) | %.3f | %.3f | %.3f | %.0f |%n", patch, norm, batch,
                depth, width, r.intraOpThreads(), steps, warmup, r.median(), Stats.min(r.stepSeconds()), Stats.max(r.stepSeconds()),
                r.peakRssMb());
        out.flush();
        if (csv != null) {
            String times = Arrays.stream(r.stepSeconds()).mapToObj(s -> String.format(Locale.ROOT, "%.4f", s))
                    .collect(Collectors.joining(" "));
            Csv.append(csv, CSV_HEADER, String.format(Locale.ROOT, "%d,%s,%d,%d,%d,%d,%d,%d,%.4f,%.4f,%.4f,%.0f,%s", patch, norm,
                    batch, depth, width, r.intraOpThreads(), steps, warmup, r.median(), Stats.min(r.stepSeconds()),
                    Stats.max(r.stepSeconds()), r.peakRssMb(), times));
        }
        return 0;
    }
}
