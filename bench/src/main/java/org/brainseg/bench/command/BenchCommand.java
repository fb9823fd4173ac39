package org.brainseg.bench.command;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.brainseg.cli.command.BadInputException;
import org.brainseg.cli.command.ErrorHandler;
import org.brainseg.cli.console.ProgressBar;
import org.brainseg.imaging.Affine;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.nifti.NiftiDataType;
import org.brainseg.imaging.nifti.NiftiImage;
import org.brainseg.imaging.nifti.NiftiReader;
import org.brainseg.imaging.nifti.NiftiWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code ./bench/run}: one subcommand per table of docs/BENCHMARKS.md, outside the product CLI
 * (its jar and the images hold no benchmark). {@code nifti}: NIfTI read {@code nifti}: NIfTI read
 * and write times beside nibabel on the same files, measured alternately in one run (medians and
 * ratios; these machines are shared and noisy); {@code step}, {@code infer} and {@code pipeline}:
 * training step, whole-case inference and end-to-end pipeline (their own classes); {@code peer}:
 * our U-Net beside the identical PyTorch network.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks, one subcommand per table of docs/BENCHMARKS.md (medians over repeated runs).",
        subcommands = {BenchCommand.Nifti.class, BenchStepCommand.class, BenchPeerCommand.class, BenchInferCommand.class,
            BenchPipelineCommand.class, BenchPreprocessCommand.class, BenchCurvesCommand.class, BenchExportCommand.class,
            BenchCasePeerCommand.class})
public final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with brainseg's error handling (one line on stderr, exit code 2 for bad input). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new BenchCommand());
        cl.setExecutionExceptionHandler(new ErrorHandler());
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
            name = "nifti",
            mixinStandardHelpOptions = true,
            description = {
                "Read a BraTS-size (240x240x155) int16 .nii.gz and write a float32 .nii.gz, alternating",
                "brainseg and nibabel (Debian python3-nibabel, /usr/bin/python3) on the same files.",
                "Prints a Markdown table of medians and ratios; --csv appends the raw times."
            })
    static final class Nifti implements Callable<Integer> {
        @Option(names = "--file", paramLabel = "NII", description = "int16 .nii.gz to read (default: a generated BraTS-size volume)")
        Path file;

        @Option(names = "--rounds", defaultValue = "7", description = "alternating rounds (default: ${DEFAULT-VALUE})")
        int rounds;

        @Option(names = "--csv", paramLabel = "FILE", description = "write every timing to this CSV")
        Path csv;

        @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Python with nibabel (default: ${DEFAULT-VALUE})")
        String python;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            BadInputException.requireRange("--rounds", rounds, 1, 1000);
            Path dir = Files.createTempDirectory("brainseg-bench");
            Path script = Scripts.find("bench/nibabel_io.py");
            Path input = file != null ? file : brainLikeInt16(dir.resolve("brats_size_int16.nii.gz"));
            NiftiImage src = NiftiReader.read(input);
            Volume vol = src.volume();
            List<double[]> rows = new ArrayList<>(); // javaRead, nibRead, javaWrite, nibWrite
            NiftiWriter writer = new NiftiWriter();
            PrintWriter out = spec.commandLine().getOut();
            try (ProgressBar bar = new ProgressBar("bench nifti", rounds)) {
                for (int r = 0; r < rounds; r++) {
                    double[] t = new double[4];
                    long t0 = System.nanoTime();
                    NiftiReader.read(input);
                    t[0] = (System.nanoTime() - t0) / 1e9;
                    t[1] = python(script, "read", input.toString());
                    Path jOut = dir.resolve("java_float32.nii.gz");
                    t0 = System.nanoTime();
                    writer.write(jOut, vol, NiftiDataType.FLOAT32);
                    t[2] = (System.nanoTime() - t0) / 1e9;
                    t[3] = python(script, "write", input.toString(), dir.resolve("nib_float32.nii.gz").toString());
                    rows.add(t);
                    bar.step(String.format(Locale.ROOT, "read %.2fs vs %.2fs", t[0], t[1]));
                }
            }
            double[] med = new double[4];
            for (int c = 0; c < 4; c++) {
                int col = c;
                med[c] = median(rows.stream().mapToDouble(x -> x[col]).toArray());
            }
            out.printf(Locale.ROOT, "file: %s %s %s, %d rounds, alternating%n", input.getFileName(),
                    Arrays.toString(src.header().dim()), src.header().datatype().label(), rounds);
            out.println("| operation | brainseg median s | nibabel median s | brainseg / nibabel |");
            out.println("|---|---|---|---|");
            out.printf(Locale.ROOT, "| read %s .nii.gz → float32 | %.3f | %.3f | %.2f |%n", src.header().datatype().label(), med[0], med[1], med[0] / med[1]);
            out.printf(Locale.ROOT, "| write float32 .nii.gz (gzip level 1) | %.3f | %.3f | %.2f |%n", med[2], med[3], med[2] / med[3]);
            if (csv != null) {
                List<String> lines = new ArrayList<>(List.of("round,brainseg_read_s,nibabel_read_s,brainseg_write_s,nibabel_write_s"));
                for (int r = 0; r < rows.size(); r++) {
                    double[] t = rows.get(r);
                    lines.add(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f", r, t[0], t[1], t[2], t[3]));
                }
                Files.write(csv, lines);
            }
            return 0;
        }

        private double python(Path script, String... args) throws IOException, InterruptedException {
            List<String> cmd = new ArrayList<>(List.of(python, script.toString()));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("nibabel run failed: " + text);
            }
            return Double.parseDouble(text.substring(text.lastIndexOf('\n') + 1));
        }

        /** A 240x240x155 int16 volume whose compressibility resembles a skull-stripped MRI: a noisy ellipsoid on zeros. */
        private static Path brainLikeInt16(Path out) throws IOException {
            int nx = 240, ny = 240, nz = 155;
            float[] d = new float[nx * ny * nz];
            Random r = new Random(1);
            for (int k = 0; k < nz; k++) {
                for (int j = 0; j < ny; j++) {
                    for (int i = 0; i < nx; i++) {
                        double x = (i - 120) / 70.0, y = (j - 120) / 90.0, z = (k - 77) / 65.0;
                        double e = x * x + y * y + z * z;
                        if (e < 1) {
                            d[i + nx * (j + ny * k)] = (float) Math.rint(600 + 250 * Math.sin(i / 7.0) * Math.cos(j / 9.0) + 40 * r.nextGaussian());
                        }
                    }
                }
            }
            new NiftiWriter().write(out, new Volume(nx, ny, nz, d, Affine.scaling(-1, -1, 1).translateVoxels(-120, -120, 0)), NiftiDataType.INT16);
            return out;
        }

        static double median(double[] v) {
            double[] s = v.clone();
            Arrays.sort(s);
            return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        }
    }
}
