package org.brainseg.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.brainseg.cli.Main;
import org.brainseg.imaging.Affine;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.dataset.DatasetLayout;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.imaging.nifti.NiftiDataType;
import org.brainseg.imaging.nifti.NiftiImage;
import org.brainseg.imaging.nifti.NiftiReader;
import org.brainseg.imaging.nifti.NiftiWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TrainSegmentCommandTest {
    @TempDir
    Path tmp;

    /** Writes a tiny BraTS 2020-layout phantom: a sphere of edema around an enhancing core (ET stored as 4). */
    private static void writeCase(Path root, String id, long seed) throws Exception {
        int n = 24;
        Random r = new Random(seed);
        Affine affine = Affine.of(new double[][] {{-1, 0, 0, 90}, {0, 1, 0, -100}, {0, 0, 1, -60}, {0, 0, 0, 1}});
        float[] seg = new float[n * n * n];
        float[][] img = new float[4][n * n * n];
        double cx = 10 + 4 * r.nextDouble();
        double cy = 10 + 4 * r.nextDouble();
        double cz = 10 + 4 * r.nextDouble();
        for (int z = 0, i = 0; z < n; z++) {
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++, i++) {
                    double brain = Math.sqrt((x - 11.5) * (x - 11.5) + (y - 11.5) * (y - 11.5) + (z - 11.5) * (z - 11.5));
                    if (brain > 11) {
                        continue;
                    }
                    double d = Math.sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy) + (z - cz) * (z - cz));
                    int label = d < 2.5 ? 4 : d < 4.5 ? 1 : d < 6 ? 2 : 0;
                    seg[i] = label;
                    for (int c = 0; c < 4; c++) {
                        img[c][i] = (float) (100 + 60 * label * (c + 1) % 7 + 40 * label + 5 * r.nextGaussian());
                    }
                }
            }
        }
        NiftiWriter w = new NiftiWriter();
        DatasetLayout layout = DatasetLayout.BRATS2020;
        for (Modality m : Modality.values()) {
            w.write(layout.modalityPath(root, id, m), new Volume(n, n, n, img[m.ordinal()], affine), NiftiDataType.FLOAT32);
        }
        w.write(layout.labelPath(root, id), new Volume(n, n, n, seg, affine), NiftiDataType.UINT8);
    }

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void shouldTrainThenSegmentACaseIntoItsOwnGeometry() throws Exception {
        Path data = tmp.resolve("data");
        for (int i = 0; i < 4; i++) {
            writeCase(data, String.format("BraTS20_Training_%03d", i), i);
        }
        Path model = tmp.resolve("model");
        Run train = run("train", "--data", data.toString(), "--out", model.toString(), "--epochs", "2",
                "--steps-per-epoch", "3", "--patch", "16", "--depth", "2", "--width", "4", "--spacing", "2",
                "--val-fraction", "0.25", "--threads", "1");
        assertThat(train.code()).as(train.err()).isZero();
        assertThat(train.out()).contains("model written to " + model);
        assertThat(model.resolve("model.json")).exists();
        assertThat(Files.readAllLines(model.resolve("epochs.csv"))).hasSize(3);

        Path caseDir = data.resolve("BraTS20_Training_001");
        Path mask = tmp.resolve("out/mask.nii.gz");
        Run seg = run("segment", "--model", model.toString(), "--case", caseDir.toString(), "--out", mask.toString(),
                "--threads", "1");
        assertThat(seg.code()).as(seg.err()).isZero();
        JsonNode report = new ObjectMapper().readTree(seg.out());
        assertThat(report.get("labelConvention").asText()).isEqualTo("brats2021");
        assertThat(report.get("volumesMl").has("WT")).isTrue();
        NiftiImage written = NiftiReader.read(mask);
        NiftiImage source = NiftiReader.read(caseDir.resolve("BraTS20_Training_001_t1.nii.gz"));
        assertThat(written.header().datatype()).isEqualTo(NiftiDataType.UINT8);
        assertThat(written.volume().shape()).containsExactly(source.volume().shape());
        assertThat(written.affine().maxAbsDifference(source.affine())).isLessThan(1e-5);
        for (float v : written.data()) {
            assertThat(v).isIn(0f, 1f, 2f, 4f);
        }
    }

    @Test
    void shouldReportABrokenModelDirectoryInOneLine() throws Exception {
        writeCase(tmp.resolve("data"), "BraTS20_Training_000", 1);
        Files.createDirectories(tmp.resolve("model"));
        Files.writeString(tmp.resolve("model/model.json"), "{");
        Run seg = run("segment", "--model", tmp.resolve("model").toString(), "--case",
                tmp.resolve("data/BraTS20_Training_000").toString(), "--out", tmp.resolve("m.nii.gz").toString());
        assertThat(seg.code()).isEqualTo(2);
        assertThat(seg.err()).startsWith("brainseg segment: ").contains("model.json: not valid JSON");
        assertThat(seg.err().lines().count()).isEqualTo(1);
    }

    @Test
    void shouldRefuseDomainRandomizationOutOfRangeBeforeReadingAnything() throws Exception {
        for (String[] bad : new String[][] {{"--randomize", "2.5"}, {"--randomize", "-1"}, {"--randomize", "NaN"},
            {"--randomize", "1", "--variants", "0"}, {"--randomize", "1", "--variants", "17"}}) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("train", "--data", tmp.resolve("none").toString(),
                    "--out", tmp.resolve("m").toString()));
            args.addAll(java.util.List.of(bad));
            Run r = run(args.toArray(String[]::new));
            assertThat(r.code()).as(String.join(" ", bad)).isEqualTo(2);
            assertThat(r.err()).contains(bad[bad.length - 2]).doesNotContain("Exception");
        }
    }
}
