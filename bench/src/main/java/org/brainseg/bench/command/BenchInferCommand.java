package org.brainseg.bench.command;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.brainseg.bench.BenchCases;
import org.brainseg.bench.FreshModel;
import org.brainseg.bench.InferBenchmark;
import org.brainseg.cli.command.BadInputException;
import org.brainseg.cli.command.Csv;
import org.brainseg.cli.console.ProgressBar;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.io.FileTrees;
import org.brainseg.model.artifact.ModelArtifact;
import org.brainseg.model.engine.DeviceChoice;
import org.brainseg.model.infer.Segmenter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code brainseg bench infer}: whole-case latency stage by stage (see {@link InferBenchmark}). */
@Command(
        name = "infer",
        mixinStandardHelpOptions = true,
        description = {
            "Whole-case inference latency, stage by stage.",
            "Segments a BraTS-size synthetic case (240x240x155 at 1 mm, generated once and cached) several times and",
            "reports the median of each stage: load, preprocess, infer, postprocess, write. Without --model, a freshly",
            "initialised default model resampling to --spacing (timing does not depend on the weights)."
        })
final class BenchInferCommand implements Callable<Integer> {
    @Option(names = "--spacing", paramLabel = "MM",
            description = "spacing the fresh model works at (default: 2; with --model, its own)")
    Double spacing;

    @Option(names = "--model", paramLabel = "DIR", description = "model directory to time instead of a fresh model")
    Path model;

    @Option(names = "--tta", description = "8-flip test-time augmentation")
    boolean tta;

    @Option(names = "--rounds", defaultValue = "3", description = "measured rounds (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--warmup", defaultValue = "1", description = "unmeasured rounds first (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu or auto (default: ${DEFAULT-VALUE}); gpu needs a build with -Pcuda")
    String device;

    @Option(names = "--window-batch", defaultValue = "" + Segmenter.DEFAULT_WINDOW_BATCH,
            description = "sliding windows per forward pass (default: ${DEFAULT-VALUE})")
    int windowBatch;

    @Option(names = "--threads", defaultValue = "0", description = "PyTorch intra-op threads, 0: all cores (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--scan-spacing", defaultValue = "1", paramLabel = "MM",
            description = "voxel size of the synthetic scan over the BraTS field of view (default: ${DEFAULT-VALUE}: 240x240x155)")
    double scanSpacing;

    @Option(names = "--cache", paramLabel = "DIR", description = "where generated cases are kept (default: <tmp>/brainseg-bench-cache)")
    Path cache;

    @Option(names = "--csv", paramLabel = "FILE", description = "append every round's stage times to this CSV")
    Path csv;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (model != null && spacing != null) {
            throw new BadInputException("--spacing applies to the fresh model only; a model's spacing is in its model.json");
        }
        double mm = spacing == null ? 2 : spacing;
        BadInputException.requireMm("--spacing", mm, 0.5, 8);
        BadInputException.requireMm("--scan-spacing", scanSpacing, 0.5, 8);
        DeviceChoice deviceChoice;
        try {
            deviceChoice = DeviceChoice.parse(device);
            InferBenchmark.Config.check(rounds, warmup, threads);
            if (windowBatch < 1 || windowBatch > 64) {
                throw new IllegalArgumentException("--window-batch must be 1..64, got " + windowBatch);
            }
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
        if (model != null && !Files.isRegularFile(model.resolve("model.json"))) {
            throw new BadInputException("--model " + model + ": no model.json there");
        }
        Path work = Files.createTempDirectory("brainseg-bench-infer");
        try {
            Case scan;
            try (ProgressBar bar = new ProgressBar("bench infer: case", 1)) {
                scan = new BenchCases(cache != null ? cache : BenchCases.defaultCacheDir())
                        .cohort(1, scanSpacing, r -> bar.step("generated " + r.id())).cases().get(0);
            }
            Path modelDir = model != null ? model : FreshModel.save(work.resolve("model"), mm);
            String modelText = model != null ? model + " (" + describe(model) + ")" : FreshModel.describe(mm);
            InferBenchmark.Config config = new InferBenchmark.Config(BenchCases.withoutLabel(scan), modelDir, tta, rounds, warmup,
                    threads, work.resolve("out"), deviceChoice, windowBatch);
            InferBenchmark.Result r;
            try (ProgressBar bar = new ProgressBar("bench infer", warmup + rounds)) {
                r = new InferBenchmark(config).run(done -> bar.update(done, done <= warmup ? "warm-up" : ""));
            }
            report(r, scan, modelText, mm);
            return 0;
        } finally {
            FileTrees.delete(work); // the fresh model and the masks
        }
    }

    /** The model's working spacing, from its model.json. */
    private static String describe(Path modelDir) throws Exception {
        double[] s = ModelArtifact.readManifest(modelDir).preprocessing().targetSpacing();
        return s == null ? "scan grid" : s[0] + " mm";
    }

    private void report(InferBenchmark.Result r, Case scan, String modelText, double mm) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "case: %s %s at %s mm; model: %s; %s; %d rounds after %d warm-up, medians%n", scan.id(),
                Arrays.toString(r.scanShape()), scanSpacing, modelText, r.device(), rounds, warmup);
        List<String> cols = InferBenchmark.columns();
        out.println("| model spacing | TTA | " + cols.stream().map(c -> c + " s").collect(Collectors.joining(" | ")) + " | peak RSS MB |");
        out.println("|---|---|" + "---|".repeat(cols.size()) + "---|");
        StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %s |", model != null ? describe(model) : mm + " mm",
                tta ? "8 flips" : "no"));
        for (int c = 0; c < cols.size(); c++) {
            row.append(String.format(Locale.ROOT, " %.2f |", r.median(c)));
        }
        out.printf(Locale.ROOT, "%s %.0f |%n", row, r.peakRssMb());
        out.flush();
        if (csv != null) {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < r.seconds().size(); i++) {
                double[] s = r.seconds().get(i);
                lines.add(String.format(Locale.ROOT, "%s,%s,%d,", tta, model != null ? describe(model) : mm + "mm", i)
                        + Arrays.stream(s).mapToObj(v -> String.format(Locale.ROOT, "%.4f", v)).collect(Collectors.joining(",")));
            }
            Csv.append(csv, "tta,model_spacing,round," + cols.stream().map(c -> c + "_s").collect(Collectors.joining(",")),
                    lines.toArray(String[]::new));
        }
    }
}
