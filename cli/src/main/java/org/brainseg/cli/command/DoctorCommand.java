package org.brainseg.cli.command;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.brainseg.model.check.NumericsCheck;
import org.brainseg.model.engine.EngineSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code brainseg doctor}: this machine's CPU, engine and threads, and the numerics self-check. */
@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        description = {
            "Check that this machine computes the U-Net's numbers correctly.",
            "Prints the CPU model and vector extensions, Java, DJL and PyTorch versions, threads and device, then runs",
            "the real U-Net (depth 2, width 8, every normalization) forward and backward on a fixed input and compares",
            "the output and every gradient with a float64 reference computed by another implementation and stored in",
            "the jar. The worker and trainer run the same check before they report ready.",
            "Exit code 0: all agree; 1: a difference or a NaN (one line on stderr with the reason and a work-around);",
            "2: bad options."
        })
public final class DoctorCommand implements Callable<Integer> {
    @Mixin
    EngineOptions engine;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (engine.threads < 0) {
            throw new BadInputException("--threads must be 0 (one per core) or more, got " + engine.threads);
        }
        EngineSettings settings = engine.settings();
        PrintWriter out = spec.commandLine().getOut();
        out.printf("cpu:        %s (%s, %d cores)%n", cpuModel(), System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors());
        out.printf("vector ISA: %s%n", isa());
        String cap = System.getenv("ONEDNN_MAX_CPU_ISA");
        if (cap != null) {
            out.printf("oneDNN cap: ONEDNN_MAX_CPU_ISA=%s%n", cap);
        }
        Device d = settings.apply();
        Engine engine = Engine.getEngine(EngineSettings.ENGINE);
        out.printf("java:       %s (%s)%n", System.getProperty("java.version"), System.getProperty("java.vm.name"));
        out.printf("engine:     DJL %s, PyTorch %s%n", Engine.getDjlVersion(), engine.getVersion());
        out.printf("threads:    %d intra-op, %d inter-op%n", JniUtils.getNumThreads(), JniUtils.getNumInteropThreads());
        out.printf("device:     %s%n", d);
        out.flush();
        NumericsCheck.Report report = NumericsCheck.run(d);
        for (NumericsCheck.Result r : report.results()) {
            out.printf(Locale.ROOT, "  %-14s %s  worst relative error %.1e (%s)%n", r.normalization().wire(),
                    r.passed() ? "ok  " : "FAIL", r.finite() ? r.worstError() : Double.NaN, r.worstTensor());
        }
        out.printf(Locale.ROOT, "numerics:   %s (U-Net forward + backward vs float64 reference, tolerance %.0e, %.1f s)%n",
                report.passed() ? "OK" : "FAILED", NumericsCheck.TOLERANCE, report.seconds());
        out.flush();
        if (!report.passed()) {
            spec.commandLine().getErr().println("brainseg doctor: " + report.reason() + "; " + NumericsCheck.WORKAROUND);
            return 1;
        }
        return 0;
    }

    private static String cpuModel() {
        return cpuinfo("model name").map(m -> m + cpuinfo("cpu family").map(f -> ", family " + f).orElse(""))
                .orElse(System.getProperty("os.arch"));
    }

    /** The x86 vector extensions oneDNN chooses kernels by, from /proc/cpuinfo's flags. */
    private static String isa() {
        List<String> flags = cpuinfo("flags").map(f -> Stream.of(f.split("\\s+"))
                .filter(x -> x.equals("sse4_1") || x.equals("avx") || x.equals("avx2") || x.equals("fma")
                        || x.startsWith("avx512") || x.startsWith("amx") || x.equals("avx_vnni"))
                .collect(Collectors.toList())).orElse(List.of());
        return flags.isEmpty() ? "unknown (no /proc/cpuinfo flags)" : String.join(" ", flags);
    }

    private static Optional<String> cpuinfo(String key) {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith(key)).findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
