package org.brainseg.bench.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code ./bench/run step} and {@code infer} in tiny configurations (seconds), and their argument checks. */
class BenchCommandTest {
    @TempDir
    Path tmp;

    @Test
    void shouldPrintOneStepRowWithPositiveTimesAndPeakRss() throws Exception {
        Path csv = tmp.resolve("steps.csv");
        BenchRun r = BenchRun.run("step", "--patch", "16", "--depth", "2", "--width", "2", "--steps", "1",
                "--warmup", "0", "--normalization", "group", "--header", "--csv", csv.toString());
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().strip().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("| patch | normalization |");
        Matcher m = Pattern.compile("\\| 16³ \\| group \\| 2 \\| 2 / 2 \\| \\d+ \\| 1 \\(0\\) \\| ([\\d.]+) \\| ([\\d.]+) \\| ([\\d.]+) \\| (\\d+) \\|")
                .matcher(lines.get(2));
        assertThat(m.matches()).as(lines.get(2)).isTrue();
        for (int g = 1; g <= 4; g++) {
            assertThat(Double.parseDouble(m.group(g))).isPositive();
        }
        List<String> rows = Files.readAllLines(csv);
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).isEqualTo(BenchStepCommand.CSV_HEADER);
        assertThat(rows.get(1)).startsWith("16,group,2,2,2,");
    }

    @Test
    void shouldTimeEveryStageOfACoarseCaseWithAFreshModel() {
        BenchRun r = BenchRun.run("infer", "--spacing", "4", "--scan-spacing", "4", "--rounds", "1", "--warmup", "0",
                "--cache", tmp.resolve("cache").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("[60, 60, 39] at 4.0 mm").contains("freshly initialised default model")
                .contains("| load s | preprocess s | infer s | postprocess s | write s | total s |");
        String row = r.out().strip().lines().reduce((a, b) -> b).orElseThrow();
        double[] cells = Arrays.stream(row.split("\\|")).map(String::strip).skip(3).filter(c -> !c.isEmpty())
                .mapToDouble(Double::parseDouble).toArray();
        assertThat(cells).hasSize(7);
        assertThat(cells[2]).as("infer s").isPositive();
        assertThat(cells[5]).as("total s").isGreaterThanOrEqualTo(cells[2]);
    }

    @Test
    void shouldTimeOursBesideTheTorchPeerAndThePeak() throws Exception {
        assumeTrue(torchAvailable(), "/usr/bin/python3 with torch is not installed (CI installs python3-torch)");
        Path csv = tmp.resolve("peer.csv");
        BenchRun r = BenchRun.run("peer", "--patches", "8", "--batches", "1", "--norms", "layer", "--depth", "2",
                "--width", "2", "--rounds", "1", "--warmup", "0", "--matmul", "64", "--matmul-rounds", "1", "--csv", csv.toString(),
                "--profile", tmp.resolve("prof").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("| median GFLOP/s |").contains("| mode | patch | batch | normalization | GFLOP | ours ms |");
        List<String> rows = Files.readAllLines(csv);
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0)).isEqualTo(BenchPeerCommand.CSV_HEADER);
        assertThat(rows.get(1)).startsWith("forward,8,1,layer,");
        assertThat(rows.get(2)).startsWith("train,8,1,layer,");
        for (String row : rows.subList(1, 3)) {
            String[] f = row.split(",");
            assertThat(Double.parseDouble(f[5])).as("ours ms").isPositive();
            assertThat(Double.parseDouble(f[6])).as("peer ms").isPositive();
            assertThat(Double.parseDouble(f[10])).as("peak GFLOP/s").isPositive();
        }
        // --profile: one more operation of each side under PyTorch's profiler, summed per operator by profile_table.py
        for (String row : List.of("forward-8-1-layer", "train-8-1-layer")) {
            Path ours = tmp.resolve("prof/ours-" + row + ".json");
            Path peer = tmp.resolve("prof/peer-" + row + ".json");
            assertThat(ours).isNotEmptyFile();
            assertThat(peer).isNotEmptyFile();
            PythonScript t = PythonScript.run("bench/profile_table.py", ours.toString(), peer.toString());
            assertThat(t.code()).as(t.out()).isZero();
            assertThat(t.out()).contains("| operator | ours self ms (calls) | peer self ms (calls) | ours / peer |")
                    .contains("convolution").contains("**all, summed over threads**");
        }
        PythonScript broken = PythonScript.run("bench/profile_table.py", csv.toString(), csv.toString());
        assertThat(broken.code()).isNotZero();
        assertThat(broken.out()).contains("not a readable Chrome trace");
    }

    /** A script under bench/ run with Debian's Python; stdout and stderr together. */
    private record PythonScript(int code, String out) {
        static PythonScript run(String script, String... args) throws Exception {
            List<String> cmd = new java.util.ArrayList<>(List.of("/usr/bin/python3", Scripts.find(script).toString()));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            return new PythonScript(p.waitFor(), out);
        }
    }

    /** The training peer refuses a broken split, missing cases and an empty budget with one line, before any training. */
    /**
     * The shipped model beside its PyTorch twin on a whole (coarse) case: both label maps agree. Without
     * TTA, to keep the test short (TTA costs 8 passes; docs/BENCHMARKS.md quotes its agreement).
     */
    @Test
    void shouldSegmentAWholeCaseBesideThePyTorchTwinWithTheSameLabels() throws Exception {
        assumeTrue(torchAvailable(), "/usr/bin/python3 with torch is not installed (CI installs python3-torch)");
        Path csv = tmp.resolve("case-peer.csv");
        BenchRun r = BenchRun.run("case-peer", "--scan-spacings", "4", "--tta", "off", "--rounds", "1", "--warmup", "0",
                "--cache", tmp.resolve("cache").toString(), "--csv", csv.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("| scan | model grid | TTA | ours ms | peer ms | ours / peer | voxels agreeing | load |");
        List<String> rows = Files.readAllLines(csv);
        assertThat(rows).hasSize(2);
        for (String row : rows.subList(1, 2)) {
            String[] f = row.split(",");
            assertThat(Double.parseDouble(f[2])).as("ours ms").isPositive();
            assertThat(Double.parseDouble(f[3])).as("peer ms").isPositive();
            // the same weights, windows, blend and flips: at most a few voxels may differ where two classes tie in float32
            assertThat(Double.parseDouble(f[5])).as("voxel agreement, %s", row).isGreaterThanOrEqualTo(0.999);
        }
        assertThat(rows.get(1)).startsWith("4.0,false,");
    }

    @Test
    void shouldRejectBadInputToTheTrainingPeerWithAClearMessage() throws Exception {
        assumeTrue(torchAvailable(), "/usr/bin/python3 with torch is not installed (CI installs python3-torch)");
        Path notJson = Files.writeString(tmp.resolve("split.txt"), "not json");
        Path list = Files.writeString(tmp.resolve("list.json"), "[1, 2]");
        Path split = Files.writeString(tmp.resolve("split.json"), "{\"trainCases\": [\"nope\"]}");
        String out = tmp.resolve("peer").toString();
        String cases = tmp.toString();
        String[][] runs = {
            {"--cases", cases, "--split", tmp.resolve("missing.json").toString(), "--out", out, "not a readable JSON file"},
            {"--cases", cases, "--split", notJson.toString(), "--out", out, "not a readable JSON file"},
            {"--cases", cases, "--split", list.toString(), "--out", out, "expected a JSON object with trainCases"},
            {"--cases", cases, "--split", split.toString(), "--out", out, "--epochs", "0",
                "--epochs and --steps-per-epoch must be at least 1"},
            {"--cases", cases, "--split", split.toString(), "--out", out, "case nope: " + tmp.resolve("nope_0000.nii.gz")
                + " is missing"},
        };
        for (String[] run : runs) {
            PythonScript r = PythonScript.run("bench/torch_train_peer.py", Arrays.copyOf(run, run.length - 1));
            assertThat(r.code()).as(r.out()).isEqualTo(1);
            assertThat(r.out().strip()).as(r.out()).contains(run[run.length - 1]).doesNotContain("Traceback");
        }
        assertThat(tmp.resolve("peer")).doesNotExist();
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "step --patch 18;--patch must be a multiple of 4",
        "step --normalization batchnorm;--normalization: unknown normalization",
        "step --steps 0;--steps must be 1..1000",
        "step --depth 9;--depth must be 1..6",
        "infer --rounds 0;--rounds must be 1..100",
        "infer --spacing 2 --model /nonexistent;--spacing applies to the fresh model only",
        "infer --model /nonexistent;no model.json",
        "pipeline --scans 0;--scans must be 1..10000",
        "pipeline --scans 5 --distinct 6;--distinct must be 1..min(--scans, 1000)",
        "pipeline --memory-every -1;--memory-every must be at least 0",
        "infer --device tpu;unknown device 'tpu'",
        "infer --window-batch 0;--window-batch must be 1..64",
        "peer --skip train-128-2;--skip: 'train-128-2' is not mode:patch:batch",
        "peer --patches 66;--patches: 66 is not a multiple of 4",
        "peer --modes backward;unknown mode 'backward'",
        "peer --norms layernorm;unknown normalization 'layernorm'",
        "peer --rounds 0;--rounds must be 1..100",
        "peer --profile /dev/null;--profile /dev/null is not a directory",
        "case-peer --tta maybe;--tta: 'maybe' is neither off nor on",
        "case-peer --rounds 0;--rounds must be 1..100",
        "case-peer --scan-spacings 0.1;--scan-spacings must be 0.5..8",
        "case-peer --model /nonexistent;--model /nonexistent: no model.json there",
        "pipeline --workers 5;--workers must be 1..4",
        "pipeline --spacing 0.1;--spacing must be 0.5..8"})
    void shouldRejectBadArgumentsWithOneLineAndExitCode2(String args, String message) {
        String cache = args.startsWith("step") || args.startsWith("peer") ? "" : " --cache " + tmp; // nothing may be generated before the check
        BenchRun r = BenchRun.run((args + cache).split(" "));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).contains(message).doesNotContain("\n");
        assertThat(r.out()).isEmpty();
    }

    private static boolean torchAvailable() throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/python3"))) {
            return false;
        }
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import torch, numpy").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }
}
