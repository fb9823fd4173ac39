package org.brainseg.trainer.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.brainseg.model.train.EpochResult;
import org.brainseg.schemas.RegionValues;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentReportTest {
    @TempDir
    Path tmp;

    /** A synthetic run: every label and region has test Dice {dice − 0.1, dice + 0.1} (edema) or {dice, dice}. */
    static VariantResult run(String norm, long seed, double loss, double dice) {
        RegionValues d = new RegionValues(dice, dice, dice, dice, dice, dice);
        List<EpochResult> h = List.of(new EpochResult(1, 1.2, loss + 0.2, d, List.of(), 1e-3, 10, true),
                new EpochResult(2, 0.9, loss, d, List.of(), 1e-3, 10, true));
        Map<String, double[]> perCase = Map.of(
                "edema", new double[] {dice - 0.1, dice + 0.1}, "ncrNet", new double[] {dice, dice},
                "enhancing", new double[] {dice, dice}, "WT", new double[] {dice, dice},
                "TC", new double[] {dice, dice}, "ET", new double[] {dice, dice});
        return new VariantResult(norm, seed, h, 2, loss, perCase, perCase, 1234, 20 + seed);
    }

    /** layer and none over seeds 1, 2, 3; layer wins seeds 1 and 2 on Dice and loses seed 3. */
    static List<VariantResult> threeSeeds() {
        List<VariantResult> runs = new ArrayList<>();
        double[] layerDice = {0.8, 0.7, 0.5}, noneDice = {0.6, 0.6, 0.6};
        double[] layerLoss = {0.3, 0.4, 0.8}, noneLoss = {0.5, 0.5, 0.5};
        for (int s = 0; s < 3; s++) {
            runs.add(run("layer", s + 1, layerLoss[s], layerDice[s]));
            runs.add(run("none", s + 1, noneLoss[s], noneDice[s]));
        }
        return runs;
    }

    @Test
    void shouldWriteMeanAndSdOverSeedsOfTheTestDice() throws Exception {
        ExperimentReport.write(tmp, List.of("data: test", "command: `brainseg experiment`"), threeSeeds());
        String md = Files.readString(tmp.resolve("report.md"));
        // layer Dice over seeds {0.8, 0.7, 0.5}: mean 0.667, sd 0.153; lowest val loss {0.3, 0.4, 0.8}: 0.5 ± 0.2646
        assertThat(md).contains("layer vs none, 3 seeds")
                .contains("| layer | 3 | 0.5000 ± 0.2646 | 0.667 ± 0.153 | 0.667 ± 0.153 |")
                .contains("| none | 3 | 0.5000 ± 0.0000 | 0.600 ± 0.000 |")
                .contains("## Results on the 2 test cases")
                .contains("| 2, 2, 2 | 22 ± 1 s |")
                .contains("paper, LN (reported; BraTS, GPU budget)").contains("| 0.90 | 0.74 | 0.95 |")
                .contains("command: `brainseg experiment`");
        assertThat(md).contains("## Paired by seed: layer − none")
                .contains("| seed 1 | seed 2 | seed 3 |")
                // WT differences {+0.2, +0.1, -0.1}: mean +0.067, sd 0.153; layer better in 2 of 3
                .contains("| test WT Dice | +0.200 | +0.100 | -0.100 | +0.067 ± 0.153 | layer 2 of 3, none 1 of 3 |")
                // loss differences {-0.2, -0.1, +0.3}: lower is better, so layer better in 2 of 3
                .contains("| lowest val loss | -0.2000 | -0.1000 | +0.3000 | +0.0000 ± 0.2646 | layer 2 of 3, none 1 of 3 |")
                .contains("| lowest val loss, relative (paper: −32 %) | -40.0 % | -20.0 % | +60.0 % |");
        assertThat(md).contains("| layer | 3 | 2 | 0.8000 |");
    }

    @Test
    void shouldReportTheShiftedTestCasesAndTheSpeedOfLearning() throws Exception {
        List<VariantResult> runs = new ArrayList<>();
        for (VariantResult r : threeSeeds()) {
            double d = r.testMean("WT") - 0.2;
            Map<String, double[]> shifted = Map.of("edema", new double[] {d, d}, "ncrNet", new double[] {d, d},
                    "enhancing", new double[] {d, d}, "WT", new double[] {d - 0.05, d + 0.05}, "TC", new double[] {d, d},
                    "ET", new double[] {d, d});
            runs.add(new VariantResult(r.normalization(), r.seed(), r.history(), r.bestEpoch(), r.bestValLoss(), r.valDice(),
                    r.testDice(), shifted, r.parameters(), r.trainSeconds()));
        }
        ExperimentReport.write(tmp, List.of("data: test"), runs);
        String md = Files.readString(tmp.resolve("report.md"));
        // layer shifted WT per seed {0.6, 0.5, 0.3}: mean 0.467 ± 0.153; worst single case 0.3 - 0.05
        assertThat(md).contains("### The same test cases under acquisition shift")
                .contains("| layer | 3 | 0.467 ± 0.153 | 0.467 ± 0.153 | 0.467 ± 0.153 | 0.250 |")
                .contains("| none | 3 | 0.400 ± 0.000 | 0.400 ± 0.000 | 0.400 ± 0.000 | 0.350 |");
        // val Dice is the run's Dice at every epoch: layer seed 1 (0.8) reaches 0.80 at epoch 1, the others never
        assertThat(md).contains("### Speed of learning").contains("| layer | 1, —, — |").contains("| none | —, —, — |");
        assertThat(Files.readString(tmp.resolve("results.csv"))).contains("layer,1,shifted_test_dice_WT,0.6")
                .contains("layer,1,epochs_to_val_dice_0.8,1");
        ExperimentReport.write(tmp, List.of("data: test"), threeSeeds());
        assertThat(Files.readString(tmp.resolve("report.md"))).as("no shift asked for, no section")
                .doesNotContain("acquisition shift");
    }

    @Test
    void shouldWritePerRunSummaryAndPairedRowsToTheCsv() throws Exception {
        List<String> csv = ExperimentReport.csv(threeSeeds());
        assertThat(csv.get(0)).isEqualTo("variant,seed,metric,value,n");
        assertThat(csv).contains("layer,1,test_dice_WT,0.800000,2", "layer,1,lowest_val_loss,0.300000,1",
                "layer,mean,test_dice_edema,0.666667,3", "layer,sd,test_dice_edema,0.152753,3",
                "layer-none,3,diff_test_dice_WT,-0.100000,1", "layer-none,mean,diff_test_dice_WT,0.066667,3",
                "layer-none,1,rel_lowest_val_loss,-0.400000,1", "none,2,train_seconds,22.000000,1");
    }

    @Test
    void shouldDrawOneLinePerRun() throws Exception {
        BufferedImage png = ExperimentReport.curves(threeSeeds());
        assertThat(png.getWidth()).isEqualTo(1400);
        long colours = java.util.stream.IntStream.range(0, png.getWidth() * png.getHeight())
                .map(i -> png.getRGB(i % png.getWidth(), i / png.getWidth())).distinct().count();
        assertThat(colours).isGreaterThan(10);
        ExperimentReport.write(tmp, List.of(), threeSeeds());
        assertThat(ImageIO.read(tmp.resolve("curves.png").toFile()).getHeight()).isEqualTo(560);
    }

    @Test
    void shouldReportASingleSeedWithoutSpreadOrPairsOfOne() {
        String md = ExperimentReport.markdown(List.of(), List.of(run("layer", 7, 0.34, 0.8), run("none", 7, 0.5, 0.64)));
        assertThat(md).contains("1 seed").contains("| layer | 1 | 0.3400 | 0.800 | 0.800 |")
                .contains("| lowest val loss, relative (paper: −32 %) | -32.0 % |");
    }

    @Test
    void shouldCompareAgainstTheFirstVariantWhenNoneIsAbsent() {
        assertThat(ExperimentReport.pairs(List.of("layer", "group", "instance")))
                .containsExactly(new String[] {"group", "layer"}, new String[] {"instance", "layer"});
        assertThat(ExperimentReport.pairs(List.of("layer", "none")))
                .containsExactly(new String[] {"layer", "none"});
    }
}
