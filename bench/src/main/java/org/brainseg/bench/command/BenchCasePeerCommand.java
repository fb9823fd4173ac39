package org.brainseg.bench.command;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.brainseg.bench.BenchCases;
import org.brainseg.bench.CasePeerBenchmark;
import org.brainseg.bench.LoadAverage;
import org.brainseg.bench.Stats;
import org.brainseg.bench.TorchPeer;
import org.brainseg.cli.command.BadInputException;
import org.brainseg.cli.command.Csv;
import org.brainseg.cli.console.ProgressBar;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.io.FileTrees;
import org.brainseg.model.artifact.ModelArtifact;
import org.brainseg.model.artifact.ShippedModel;
import org.brainseg.model.engine.DeviceChoice;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.model.infer.Segmenter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code brainseg bench case-peer}: whole-case inference beside a PyTorch peer on the same weights (see {@link CasePeerBenchmark}). */
@Command(
        name = "case-peer",
        mixinStandardHelpOptions = true,
        description = {
            "Whole-case inference, ours against bench/torch_case_peer.py (the same weights in the PyTorch twin, MONAI's",
            "sliding-window semantics), alternating in one run: median ms per case, ours/peer, and the voxel agreement of",
            "the two label maps. Both start from brainseg's preprocessed channels (load and preprocessing not timed)."
        })
final class BenchCasePeerCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "DIR", description = "model directory (default: the shipped model)")
    Path model;

    @Option(names = "--scan-spacings", split = ",", defaultValue = "1,2", paramLabel = "MM",
            description = "spacings of the BraTS-size synthetic scans, one row each (default: ${DEFAULT-VALUE})")
    List<Double> scanSpacings;

    @Option(names = "--tta", split = ",", defaultValue = "off,on", paramLabel = "off|on",
            description = "without (off) and/or with (on) 8-flip test-time augmentation, one row each (default: ${DEFAULT-VALUE})")
    List<String> tta;

    @Option(names = "--rounds", defaultValue = "3", description = "measured rounds per row, each side (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--warmup", defaultValue = "1", description = "unmeasured cases first, each side (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--threads", defaultValue = "0", description = "intra-op threads of both, 0: all cores (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--window-batch", defaultValue = "2", description = "windows per forward pass, both (default: ${DEFAULT-VALUE})")
    int windowBatch;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Python with torch (default: ${DEFAULT-VALUE})")
    String python;

    @Option(names = "--cache", paramLabel = "DIR", description = "where generated cases are kept (default: <tmp>/brainseg-bench-cache)")
    Path cache;

    @Option(names = "--csv", paramLabel = "FILE", description = "append every row (and every round's times) to this CSV")
    Path csv;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        BadInputException.requireRange("--rounds", rounds, 1, 100);
        BadInputException.requireRange("--warmup", warmup, 0, 20);
        BadInputException.requireRange("--threads", threads, 0, 256);
        BadInputException.requireRange("--window-batch", windowBatch, 1, 64);
        for (String mode : tta) {
            if (!mode.equals("off") && !mode.equals("on")) {
                throw new BadInputException("--tta: '" + mode + "' is neither off nor on");
            }
        }
        for (double mm : scanSpacings) {
            BadInputException.requireMm("--scan-spacings", mm, 0.5, 8);
        }
        Path dir = model != null ? model : ShippedModel.directory();
        if (!Files.isRegularFile(dir.resolve("model.json"))) {
            throw new BadInputException("--model " + dir + ": no model.json there");
        }
        int cores = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        EngineSettings settings = EngineSettings.of(DeviceChoice.CPU, cores);
        PrintWriter out = spec.commandLine().getOut();
        List<String> rows = new ArrayList<>();
        Path work = Files.createTempDirectory("brainseg-bench-case-peer");
        try (Segmenter segmenter = new Segmenter(ModelArtifact.load(dir, settings), windowBatch);
                TorchPeer peer = new TorchPeer(python, Scripts.find("bench/torch_case_peer.py"))) {
            Path params = Files.write(work.resolve("params.tensors"), BenchExportCommand.records(segmenter.model()));
            for (double mm : scanSpacings) {
                Case scan;
                try (ProgressBar bar = new ProgressBar("bench case-peer: case", 1)) {
                    scan = new BenchCases(cache != null ? cache : BenchCases.defaultCacheDir())
                            .cohort(1, mm, r -> bar.step("generated " + r.id())).cases().get(0);
                }
                CasePeerBenchmark bench = new CasePeerBenchmark(peer, segmenter, dir, params, cores, windowBatch,
                        BenchCases.withoutLabel(scan), work);
                for (String mode : tta) {
                    boolean t = mode.equals("on");
                    double load0 = LoadAverage.oneMinute();
                    CasePeerBenchmark.Result r;
                    try (ProgressBar bar = new ProgressBar("bench case-peer " + mm + " mm" + (t ? " TTA" : ""), rounds)) {
                        int[] done = {0};
                        r = bench.run(t, rounds, warmup, s -> bar.update(++done[0], s));
                    }
                    double ours = Stats.median(r.oursMs());
                    double theirs = Stats.median(r.peerMs());
                    rows.add(String.format(Locale.ROOT, "| %s mm | %d×%d×%d | %s | %.0f | %.0f | %.2f | %.3f %% | %.1f–%.1f |", mm,
                            r.grid()[0], r.grid()[1], r.grid()[2], t ? "8 flips" : "no", ours, theirs, ours / theirs,
                            100 * r.agreement(), load0, LoadAverage.oneMinute()));
                    if (csv != null) {
                        Csv.append(csv, "scan_mm,tta,ours_median_ms,peer_median_ms,ours_over_peer,agreement,ours_ms,peer_ms",
                                String.format(Locale.ROOT, "%s,%s,%.1f,%.1f,%.4f,%.6f,%s,%s", mm, t, ours, theirs, ours / theirs,
                                        r.agreement(), BenchPeerCommand.join(r.oursMs()), BenchPeerCommand.join(r.peerMs())));
                    }
                    out.println(rows.get(rows.size() - 1));
                    out.flush();
                }
            }
        } finally {
            FileTrees.delete(work);
        }
        out.printf(Locale.ROOT, "%nmodel %s; %d intra-op threads each, window batch %d; %d rounds after %d warm-up, medians; "
                + "the peer runs with %s%n", dir, cores, windowBatch, rounds, warmup, TorchPeer.peerAllocator());
        out.println("| scan | model grid | TTA | ours ms | peer ms | ours / peer | voxels agreeing | load |");
        out.println("|---|---|---|---|---|---|---|---|");
        rows.forEach(out::println);
        out.flush();
        return 0;
    }
}
