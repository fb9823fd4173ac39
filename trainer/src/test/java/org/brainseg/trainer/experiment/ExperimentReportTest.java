package org.brainseg.trainer.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentReportTest {
    @TempDir
    Path tmp;

    static VariantResult variant(String norm, double loss, double dice) {
        Map<String, Double> d = Map.of("edema", dice, "ncrNet", dice, "enhancing", dice, "WT", dice, "TC", dice, "ET", dice);
        List<EpochRecord> h = List.of(new EpochRecord(1, 1.2, loss + 0.2, d, 10), new EpochRecord(2, 0.9, loss, d, 10));
        Map<String, double[]> perCase = Map.of(
                "edema", new double[] {dice - 0.1, dice + 0.1}, "ncrNet", new double[] {dice, dice},
                "enhancing", new double[] {dice, dice}, "WT", new double[] {dice, dice},
                "TC", new double[] {dice, dice}, "ET", new double[] {dice, dice});
        return new VariantResult(norm, h, 2, loss, perCase, 1234, 20);
    }

    @Test
    void shouldWriteTheComparisonInThePapersForm() throws Exception {
        ExperimentReport.write(tmp, List.of("data: test", "command: `brainseg experiment`"),
                List.of(variant("layer", 0.34, 0.8), variant("none", 0.5, 0.64)));
        String md = Files.readString(tmp.resolve("report.md"));
        assertThat(md).contains("| layer (epoch 2) | 0.3400 | -32.0 % |");
        assertThat(md).contains("0.800 ± 0.141 (+25.0 %)"); // edema: mean 0.8, sd of {0.7, 0.9}
        assertThat(md).contains("paper, LN (reported)").contains("command: `brainseg experiment`");
        List<String> csv = Files.readAllLines(tmp.resolve("results.csv"));
        assertThat(csv).contains("layer,best_val_loss,0.340000,,1,-32.00", "none,dice_WT,0.640000,0.000000,2,");
        BufferedImage png = ImageIO.read(tmp.resolve("curves.png").toFile());
        assertThat(png.getWidth()).isEqualTo(1400);
        // the plot is not blank: several distinct colours were drawn
        long colours = java.util.stream.IntStream.range(0, png.getWidth() * png.getHeight())
                .map(i -> png.getRGB(i % png.getWidth(), i / png.getWidth())).distinct().count();
        assertThat(colours).isGreaterThan(10);
    }

    @Test
    void shouldReportMeanAndSampleSd() {
        assertThat(ExperimentReport.mean(new double[] {1, 2, 3})).isEqualTo(2.0);
        assertThat(ExperimentReport.sd(new double[] {1, 2, 3})).isEqualTo(1.0);
        assertThat(ExperimentReport.sd(new double[] {5})).isZero();
    }
}
