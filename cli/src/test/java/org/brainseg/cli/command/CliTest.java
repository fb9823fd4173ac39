package org.brainseg.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.brainseg.cli.Main;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.dataset.DatasetLayout;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.imaging.dataset.TinyDatasets;
import org.brainseg.imaging.labels.LabelConvention;
import org.brainseg.imaging.nifti.NiftiDataType;
import org.brainseg.imaging.nifti.NiftiWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The commands as a user runs them: exit codes, JSON on stdout, one-line errors on stderr. */
class CliTest {
    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
        JsonNode json() throws Exception {
            return new ObjectMapper().readTree(out);
        }
    }

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void shouldListEveryCommandInHelp() {
        Run r = run("--help");
        assertThat(r.code()).isZero();
        for (String name : Main.commandLine().getSubcommands().keySet()) {
            assertThat(r.out()).contains(name);
            if (!name.equals("help")) {
                Run sub = run(name, "--help");
                assertThat(sub.code()).as(name).isZero();
                assertThat(sub.out()).as(name).contains("Usage: brainseg " + name);
            }
        }
    }

    @Test
    void shouldRejectUnknownCommandsAndOptions() {
        assertThat(run("frobnicate").code()).isEqualTo(2);
        Run r = run("nifti-info", "--bogus", "x.nii");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--bogus");
    }

    @Test
    void shouldPrintNiftiInfoAsNibabelSeesIt() throws Exception {
        Path f = Paths.get("../imaging/src/test/resources/nifti/scaled_int16.nii");
        Run r = run("nifti-info", f.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = r.json();
        JsonNode expected = new ObjectMapper().readTree(Paths.get("../imaging/src/test/resources/nifti/scaled_int16.json").toFile());
        assertThat(j.get("dims").toString()).isEqualTo("[5,4,3]");
        assertThat(j.get("datatype").asText()).isEqualTo("int16");
        assertThat(j.get("pixdim")).isEqualTo(expected.get("zooms"));
        assertThat(j.get("affine")).isEqualTo(expected.get("affine"));
        double min = Double.MAX_VALUE;
        for (JsonNode v : expected.get("data")) {
            min = Math.min(min, v.asDouble());
        }
        assertThat(j.get("min").asDouble()).isEqualTo(min);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not a nifti file", ""})
    void shouldFailNiftiInfoWithOneLineAndExitTwo(String content) throws Exception {
        Path f = Files.writeString(tmp.resolve("bad.nii"), content);
        Run r = run("nifti-info", f.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").contains("bad.nii").doesNotContain("Exception");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void shouldFailNiftiInfoOnAMissingFile() {
        Run r = run("nifti-info", tmp.resolve("absent.nii.gz").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("absent.nii.gz: no such file");
    }

    @Test
    void shouldSummariseAGoodDataset() throws Exception {
        TinyDatasets.brats(tmp, DatasetLayout.BRATS2023, 3);
        Run r = run("dataset-info", tmp.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = r.json();
        assertThat(j.get("layout").asText()).isEqualTo("brats2023");
        assertThat(j.get("labelConvention").asText()).isEqualTo("brats2023");
        assertThat(j.get("cases").asInt()).isEqualTo(3);
        assertThat(j.get("withLabels").asInt()).isEqualTo(3);
        assertThat(j.get("problems")).isEmpty();
    }

    @Test
    void shouldListEveryProblemOfABrokenDatasetAndExitTwo() throws Exception {
        TinyDatasets.brats(tmp, DatasetLayout.BRATS2020, 3);
        Files.delete(DatasetLayout.BRATS2020.modalityPath(tmp, "BraTS20_Training_001", Modality.T2));
        Volume bad = TinyDatasets.stored(TinyDatasets.internalLabels(), LabelConvention.BRATS2021);
        bad.set(0, 0, 0, 9);
        new NiftiWriter().write(DatasetLayout.BRATS2020.labelPath(tmp, "BraTS20_Training_003"), bad, NiftiDataType.UINT8);
        Run r = run("dataset-info", tmp.toString());
        assertThat(r.code()).isEqualTo(2);
        JsonNode j = r.json();
        assertThat(j.get("cases").asInt()).isEqualTo(3);
        assertThat(j.get("unusable").asInt()).isEqualTo(2);
        assertThat(j.get("problems").toString()).contains("BraTS20_Training_001_t2.nii").contains("BraTS20_Training_003_seg");
    }

    @Test
    void shouldScoreAMaskAgainstTheTruth() throws Exception {
        Volume truth = TinyDatasets.internalLabels();
        Volume pred = truth.copy();
        pred.set(4, 4, 4, 2); // the only ET voxel becomes edema
        NiftiWriter w = new NiftiWriter();
        w.write(tmp.resolve("t.nii.gz"), TinyDatasets.stored(truth, LabelConvention.BRATS2021), NiftiDataType.UINT8);
        w.write(tmp.resolve("p.nii.gz"), TinyDatasets.stored(pred, LabelConvention.MSD), NiftiDataType.UINT8);
        Run r = run("dice", "--pred", tmp.resolve("p.nii.gz").toString(), "--pred-convention", "msd",
                "--truth", tmp.resolve("t.nii.gz").toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = r.json();
        assertThat(j.at("/regions/WT/dice").asDouble()).isEqualTo(1.0);
        assertThat(j.at("/regions/WT/hd95").asDouble()).isEqualTo(0.0);
        assertThat(j.at("/regions/ET/dice").asDouble()).isEqualTo(0.0);
        assertThat(j.at("/labels/ncrNet/dice").asDouble()).isEqualTo(1.0);
        assertThat(j.at("/labels/edema/dice").asDouble()).isLessThan(1.0).isGreaterThan(0.9);
    }

    @Test
    void shouldRefuseMasksOnDifferentGrids() throws Exception {
        NiftiWriter w = new NiftiWriter();
        w.write(tmp.resolve("t.nii"), TinyDatasets.internalLabels(), NiftiDataType.UINT8);
        w.write(tmp.resolve("p.nii"), new Volume(2, 2, 2, new float[8], TinyDatasets.internalLabels().affine()), NiftiDataType.UINT8);
        Run r = run("dice", "--pred", tmp.resolve("p.nii").toString(), "--truth", tmp.resolve("t.nii").toString(),
                "--pred-convention", "internal", "--truth-convention", "internal");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("shape");
        Run bad = run("dice", "--pred", "p", "--truth", "t", "--pred-convention", "brats1999");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("brats1999");
    }
}
