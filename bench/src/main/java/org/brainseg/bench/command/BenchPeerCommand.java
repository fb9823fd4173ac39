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
import org.brainseg.bench.LoadAverage;
import org.brainseg.bench.PeerBenchmark;
import org.brainseg.bench.PeerBenchmark.Case;
import org.brainseg.bench.PeerBenchmark.Mode;
import org.brainseg.bench.PeerBenchmark.Peak;
import org.brainseg.bench.PeerBenchmark.Row;
import org.brainseg.bench.TorchPeer;
import org.brainseg.cli.command.BadInputException;
import org.brainseg.cli.console.ProgressBar;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.schemas.Normalization;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code brainseg bench peer}: our U-Net beside the identical PyTorch network, alternating (see {@link PeerBenchmark}). */
@Command(
        name = "peer",
        mixinStandardHelpOptions = true,
        description = {
            "Forward pass and training step of our U-Net beside the identical network in PyTorch eager",
            "(bench/torch_peer.py with /usr/bin/python3), alternating round by round, plus the machine's peak",
            "(a large float32 matrix product through both libtorch builds). Prints Markdown tables: medians,",
            "ours / peer, and the fraction of the peak each achieves (analytic FLOPs, see UNetFlops)."
        })
final class BenchPeerCommand implements Callable<Integer> {
    static final String CSV_HEADER = "mode,patch,batch,normalization,gflop,ours_median_ms,peer_median_ms,ours_over_peer,"
            + "ours_fraction_of_peak,peer_fraction_of_peak,peak_gflops,ours_matmul_gflops,peer_matmul_gflops,threads,"
            + "load_before,load_after,ours_ms,peer_ms";

    @Option(names = "--modes", split = ",", defaultValue = "forward,train", description = "forward, train (default: ${DEFAULT-VALUE})")
    List<String> modes;

    @Option(names = "--patches", split = ",", defaultValue = "64,96,128", description = "patch edges (default: ${DEFAULT-VALUE})")
    List<Integer> patches;

    @Option(names = "--batches", split = ",", defaultValue = "1,2", description = "batch sizes (default: ${DEFAULT-VALUE})")
    List<Integer> batches;

    @Option(names = "--norms", split = ",", defaultValue = "none,layer",
            description = "normalizations (default: ${DEFAULT-VALUE}; all six: none,layer,layer-channel,instance,group,batch)")
    List<String> norms;

    @Option(names = "--skip", split = ",", defaultValue = "train:128:2",
            description = "mode:patch:batch combinations left out (default: ${DEFAULT-VALUE}; 'none' for none)")
    List<String> skip;

    @Option(names = "--rounds", defaultValue = "3", description = "measured rounds per row, each side (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--warmup", defaultValue = "1", description = "unmeasured operations first, each side (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--depth", defaultValue = "3", description = "U-Net levels (default: ${DEFAULT-VALUE})")
    int depth;

    @Option(names = "--width", defaultValue = "16",
            description = "channels of the first level (default: ${DEFAULT-VALUE}, the shipped model's)")
    int width;

    @Option(names = "--threads", defaultValue = "0", description = "intra-op threads of both, 0: all cores (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--matmul", defaultValue = "2048", description = "edge of the peak-measuring matrix product (default: ${DEFAULT-VALUE})")
    int matmul;

    @Option(names = "--matmul-rounds", defaultValue = "9", description = "alternating matrix products (default: ${DEFAULT-VALUE})")
    int matmulRounds;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Python with torch (default: ${DEFAULT-VALUE})")
    String python;

    @Option(names = "--profile", paramLabel = "DIR", description = "after each row, profile one more operation of each side "
            + "with PyTorch's profiler: DIR/ours-ROW.json and DIR/peer-ROW.json (Chrome traces; bench/profile_table.py sums them)")
    Path profile;

    @Option(names = "--csv", paramLabel = "FILE", description = "write every row (and every round's times) to this CSV")
    Path csv;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<Case> cases = parseCases();
        int cores = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        PrintWriter out = spec.commandLine().getOut();
        PeerBenchmark bench = new PeerBenchmark(depth, width, cores);
        List<Row> rows = new ArrayList<>();
        Peak peak;
        double load0 = LoadAverage.oneMinute();
        try (TorchPeer peer = new TorchPeer(python, Scripts.find("bench/torch_peer.py"));
                ProgressBar bar = new ProgressBar("bench peer", cases.size() + 1)) {
            peak = bench.peak(peer, matmul, matmulRounds);
            bar.step(String.format(Locale.ROOT, "peak %.0f / %.0f GFLOP/s", peak.oursGflops(), peak.peerGflops()));
            for (Case c : cases) {
                Row r = bench.run(peer, c, rounds, warmup, profile, msg -> { });
                rows.add(r);
                bar.step(String.format(Locale.ROOT, "%s %d³×%d %s: %.2f×", c.mode(), c.patch(), c.batch(), c.normalization(),
                        r.ratio()));
            }
        }
        double load1 = LoadAverage.oneMinute();
        out.printf(Locale.ROOT, "depth %d, width %d, %d intra-op threads each, %d rounds after %d warm-up; "
                + "load average (1 min) %.2f at the start, %.2f at the end; the peer runs with %s%n%n", depth, width, cores, rounds,
                warmup, load0, load1, TorchPeer.peerAllocator());
        out.println("| peak: float32 matmul " + matmul + "² | ours (DJL, libtorch 2.5.1) | peer (PyTorch " + "eager) |");
        out.println("|---|---|---|");
        out.printf(Locale.ROOT, "| median GFLOP/s | %.1f | %.1f |%n%n", peak.oursGflops(), peak.peerGflops());
        out.println("| mode | patch | batch | normalization | GFLOP | ours ms | peer ms | ours / peer | ours % of peak | peer % of peak | load |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (Row r : rows) {
            Case c = r.c();
            out.printf(Locale.ROOT, "| %s | %d³ | %d | %s | %.1f | %.0f | %.0f | %.2f | %.1f | %.1f | %.1f |%n", c.mode(), c.patch(),
                    c.batch(), c.normalization(), r.gflop(), r.oursMedian(), r.peerMedian(), r.ratio(),
                    100 * fraction(r.gflop(), r.oursMedian(), peak), 100 * fraction(r.gflop(), r.peerMedian(), peak),
                    (r.loadBefore() + r.loadAfter()) / 2);
        }
        out.flush();
        if (csv != null) {
            List<String> lines = new ArrayList<>(List.of(CSV_HEADER));
            for (Row r : rows) {
                Case c = r.c();
                lines.add(String.format(Locale.ROOT, "%s,%d,%d,%s,%.3f,%.2f,%.2f,%.4f,%.4f,%.4f,%.1f,%.1f,%.1f,%d,%.2f,%.2f,%s,%s",
                        c.mode(), c.patch(), c.batch(), c.normalization(), r.gflop(), r.oursMedian(), r.peerMedian(), r.ratio(),
                        fraction(r.gflop(), r.oursMedian(), peak), fraction(r.gflop(), r.peerMedian(), peak), peak.machineGflops(),
                        peak.oursGflops(), peak.peerGflops(), cores, r.loadBefore(), r.loadAfter(), join(r.oursMs()),
                        join(r.peerMs())));
            }
            Files.write(csv, lines);
        }
        return 0;
    }

    private static double fraction(double gflop, double ms, Peak peak) {
        return gflop / (ms / 1e3) / peak.machineGflops();
    }

    /** Times in ms, one decimal, space-separated (a CSV cell). */
    static String join(double[] ms) {
        return Arrays.stream(ms).mapToObj(v -> String.format(Locale.ROOT, "%.1f", v)).collect(Collectors.joining(" "));
    }

    private List<Case> parseCases() {
        BadInputException.requireRange("--rounds", rounds, 1, 100);
        if (profile != null && Files.exists(profile) && !Files.isDirectory(profile)) {
            throw new BadInputException("--profile " + profile + " is not a directory");
        }
        BadInputException.requireRange("--warmup", warmup, 0, 20);
        if (matmul < 16 || matmul > 16384 || matmulRounds < 1 || matmulRounds > 100) {
            throw new BadInputException("--matmul must be 16..16384 and --matmul-rounds 1..100");
        }
        BadInputException.requireRange("--threads", threads, 0, 256);
        if (depth < 1 || depth > 6 || width < 1 || width > 512) {
            throw new BadInputException("--depth must be 1..6 and --width 1..512");
        }
        int divisor = 1 << (depth - 1);
        for (int p : patches) {
            if (p < divisor || p > 256 || p % divisor != 0) {
                throw new BadInputException("--patches: " + p + " is not a multiple of " + divisor + " in " + divisor + "..256");
            }
        }
        for (int b : batches) {
            if (b < 1 || b > 16) {
                throw new BadInputException("--batches: " + b + " is not in 1..16");
            }
        }
        List<Mode> m = new ArrayList<>();
        List<Normalization> n = new ArrayList<>();
        try {
            modes.forEach(s -> m.add(Mode.parse(s)));
            norms.forEach(s -> n.add(Normalization.parse(s)));
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
        List<String> s = skip.stream().map(String::trim).filter(v -> !v.equalsIgnoreCase("none")).toList();
        for (String v : s) {
            if (!v.matches("(forward|train):\\d+:\\d+")) {
                throw new BadInputException("--skip: '" + v + "' is not mode:patch:batch (e.g. train:128:2)");
            }
        }
        List<Case> cases = PeerBenchmark.cases(m, patches, batches, n, s);
        if (cases.isEmpty()) {
            throw new BadInputException("nothing to run: every combination is skipped");
        }
        return cases;
    }
}
