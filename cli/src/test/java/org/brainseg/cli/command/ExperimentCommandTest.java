package org.brainseg.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.brainseg.synthetic.CohortConfig;
import org.brainseg.synthetic.CohortGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
        assertThat(md).contains("layer vs none, 1 seed").contains("| layer | 1 |").contains("| none | 1 |")
                .contains("paper, LN (reported").contains("Command: `brainseg experiment --data")
                .contains("3 training, 2 validation and 1 test cases").doesNotContain("PARTIAL");
        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        assertThat(csv).anyMatch(l -> l.startsWith("layer,42,test_dice_WT,") && l.endsWith(",1"));
        assertThat(csv).anyMatch(l -> l.startsWith("none,42,val_dice_WT,") && l.endsWith(",2"));
        assertThat(csv).anyMatch(l -> l.startsWith("none,42,lowest_val_loss,"));
        assertThat(out.resolve("curves.png")).isNotEmptyFile();
        assertThat(out.resolve("models/layer/epochs.csv")).isNotEmptyFile();
        assertThat(out.resolve("models/none/model.json")).isNotEmptyFile();
    }

    @Test
    void shouldRunEveryVariantWithEverySeedAndPairThem() throws Exception {
        Path data = tmp.resolve("data");
        new CohortGenerator(CohortConfig.of(5, 5).withSpacing(3.0)).generate(data, r -> {});
        Path out = tmp.resolve("report");
        CliTest.Run r = CliTest.run("experiment", "--data", data.toString(), "--out", out.toString(), "--epochs", "1",
                "--steps-per-epoch", "1", "--patch", "32", "--depth", "2", "--width", "4", "--batch", "1", "--spacing", "3",
                "--seeds", "3,9", "--threads", "1");
        assertThat(r.code()).as(r.err()).isZero();
        String md = Files.readString(out.resolve("report.md"));
        assertThat(md).contains("layer vs none, 2 seeds").contains("## Paired by seed: layer − none")
                .contains("| seed 3 | seed 9 |").contains("training seeds 3, 9");
        for (String run : List.of("layer/seed-3", "layer/seed-9", "none/seed-3", "none/seed-9")) {
            assertThat(out.resolve("models/" + run + "/model.json")).isNotEmptyFile();
        }
        assertThat(Files.readAllLines(out.resolve("results.csv"))).anyMatch(l -> l.startsWith("layer-none,mean,diff_test_dice_WT,"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = ';', value = {
        "--seeds; 0; --seeds: the number of seeds must be at least 1",
        "--seeds; a; --seeds: expected a number of seeds",
        "--seeds; 1,2,1; --seeds: a seed is listed twice",
        "--test-fraction; 0.8; must sum to less than 1",
        "--test-fraction; 0; --test-fraction must be in (0, 1)",
    })
    void shouldRejectBadSeedsAndFractionsBeforeLoadingAnything(String option, String value, String message) {
        CliTest.Run r = CliTest.run("experiment", "--data", tmp.toString(), "--out", tmp.resolve("o").toString(), option, value);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(message);
    }

    @Test
    void shouldSayWhenThereAreTooFewCasesForATestSplit() throws Exception {
        Path data = tmp.resolve("data");
        new CohortGenerator(CohortConfig.of(2, 5).withSpacing(3.0)).generate(data, r -> {});
        CliTest.Run r = CliTest.run("experiment", "--data", data.toString(), "--out", tmp.resolve("o").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("2 labelled cases are too few for a train / validation / test split");
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
