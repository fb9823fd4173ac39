package org.brainseg.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.brainseg.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class GenerateCommandTest {
    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void shouldWriteCasesAndPrintASummary() {
        int code = run("generate", "--out", tmp.toString(), "--cases", "1", "--spacing", "3", "--layout", "msd", "--preview");
        assertThat(code).as(err.toString()).isZero();
        assertThat(tmp.resolve("imagesTr").resolve("BRATS_001.nii.gz")).exists();
        assertThat(tmp.resolve("dataset.json")).exists();
        assertThat(Files.exists(tmp.resolve("previews").resolve("BRATS_001.png"))).isTrue();
        assertThat(out.toString()).contains("anatomy:").contains("cases: 1").contains("mean whole tumour:").contains("previews:");
    }

    @Test
    void shouldWriteAPerturbedCohortWithItsParameters() throws Exception {
        int code = run("generate", "--out", tmp.toString(), "--cases", "1", "--spacing", "4", "--perturb", "strong");
        assertThat(code).as(err.toString()).isZero();
        Path params = tmp.resolve("perturbations.json");
        assertThat(params).exists();
        assertThat(Files.readString(params)).contains("\"strength\" : \"strong\"").contains("\"gamma\"");
        assertThat(out.toString()).contains("perturbation: strong");
    }

    @ParameterizedTest
    @CsvSource({"--cases,0,--cases", "--spacing,-1,--spacing", "--layout,nifti,layout", "--cases,abc,--cases",
        "--perturb,extreme,--perturb", "--perturb,'',--perturb", "--perturb,-1,--perturb"})
    void shouldRejectBadArgumentsWithExitCode2(String option, String value, String named) {
        int code = run("generate", "--out", tmp.toString(), option, value);
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains(named);
    }
}
