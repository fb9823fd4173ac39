package org.brainseg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.brainseg.imaging.synthetic.CohortConfig;
import org.brainseg.imaging.synthetic.CohortGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real (tiny) LN-vs-none run end to end: both variants trained, the paper-form report written. */
class ExperimentCommandTest {
    @TempDir
    Path tmp;

    @Test
    void shouldTrainEachVariantAndWriteThePaperFormReport() throws Exception {
        Path data = tmp.resolve("data");
        new CohortGenerator(CohortConfig.of(6, 5).withSpacing(3.0)).generate(data, r -> {});
        Path out = tmp.resolve("report");
        CliTest.Run r = CliTest.run("experiment", "--data", data.toString(), "--out", out.toString(), "--epochs", "2",
                "--steps-per-epoch", "2", "--patch", "32", "--depth", "2", "--width", "4", "--batch", "1", "--spacing", "3",
                "--val-fraction", "0.34", "--threads", "1");
        assertThat(r.code()).as(r.err()).isZero();
        String md = Files.readString(out.resolve("report.md"));
        assertThat(md).contains("| layer (epoch").contains("| none (epoch").contains("paper, LN (reported)")
                .contains("Command: `brainseg experiment --data");
        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        String wt = csv.stream().filter(l -> l.startsWith("layer,dice_WT,")).findFirst().orElseThrow();
        assertThat(wt.split(",", -1)[4]).as("validation cases").isEqualTo("2");
        assertThat(csv).anyMatch(l -> l.startsWith("none,best_val_loss,"));
        assertThat(out.resolve("curves.png")).isNotEmptyFile();
        assertThat(out.resolve("models/layer/epochs.csv")).isNotEmptyFile();
        assertThat(out.resolve("models/none/model.json")).isNotEmptyFile();
    }

    @Test
    void shouldRejectBadVariantLists() {
        CliTest.Run r = CliTest.run("experiment", "--data", tmp.toString(), "--out", tmp.resolve("o").toString(),
                "--normalizations", "layer,layer");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("listed twice");
        CliTest.Run bad = CliTest.run("experiment", "--data", tmp.toString(), "--out", tmp.resolve("o").toString(),
                "--normalizations", "layer,weird");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("weird");
    }
}
