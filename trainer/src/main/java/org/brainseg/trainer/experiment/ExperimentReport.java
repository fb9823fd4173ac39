package org.brainseg.trainer.experiment;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Writes an experiment's {@code report.md}, {@code results.csv} and {@code curves.png} in the form of
 * Rawat &amp; Kumar's comparison (ICCIDS 2022): per variant the best validation loss (and its change
 * against {@code none}), Dice per label (edema, non-enhancing = NCR/NET, enhancing) and region
 * (WT, TC, ET) as mean ± sd over validation cases with the % difference against {@code none},
 * and the paper's reported figures as a reference row.
 */
public final class ExperimentReport {
    /** Label and region keys in table order, with their column titles. */
    static final String[] KEYS = {"edema", "ncrNet", "enhancing", "WT", "TC", "ET"};
    static final String[] TITLES = {"edema", "non-enhancing (NCR/NET)", "enhancing", "WT", "TC", "ET"};
    private static final Color[] COLORS = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd), new Color(0xff7f0e), new Color(0x8c564b)
    };

    private ExperimentReport() {}

    /**
     * @param setup free-text lines describing data, split, budget and the exact command
     */
    public static void write(Path dir, List<String> setup, List<VariantResult> variants) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("report.md"), markdown(setup, variants));
        Files.write(dir.resolve("results.csv"), csv(variants));
        ImageIO.write(curves(variants), "png", dir.resolve("curves.png").toFile());
    }

    static VariantResult baseline(List<VariantResult> variants) {
        return variants.stream().filter(v -> v.normalization().equals("none")).findFirst().orElse(null);
    }

    static String markdown(List<String> setup, List<VariantResult> variants) {
        VariantResult none = baseline(variants);
        StringBuilder md = new StringBuilder();
        md.append("# Normalization experiment: ").append(String.join(" vs ", variants.stream().map(VariantResult::normalization).toList()))
                .append("\n\nReproduces the comparison of Rawat & Kumar, *Assessing Layer Normalization with BraTS MRI Data in a "
                        + "Convolution Neural Net* (ICCIDS 2022): the same 3D U-Net trained with each normalization on the same "
                        + "split, seed, schedule and budget.\n\n## Setup\n\n");
        for (String s : setup) {
            md.append("- ").append(s).append('\n');
        }
        md.append("\n## Results (validation cases; Dice of the kept checkpoint, the best mean WT/TC/ET epoch; "
                + "best val loss = the lowest over all epochs)\n\n");
        md.append("| variant | best val loss | Δ loss vs none |");
        for (String t : TITLES) {
            md.append(' ').append(t).append(" Dice |");
        }
        md.append("\n|---|---|---|");
        md.append("---|".repeat(KEYS.length)).append('\n');
        for (VariantResult v : variants) {
            md.append("| ").append(v.normalization()).append(" (epoch ").append(v.bestEpoch()).append(") | ")
                    .append(fmt(v.bestValLoss(), 4)).append(" | ");
            md.append(none == null || v == none ? "—" : pct(v.bestValLoss(), none.bestValLoss())).append(" |");
            for (String k : KEYS) {
                double[] d = v.perCaseDice().get(k);
                md.append(' ').append(fmt(mean(d), 3)).append(" ± ").append(fmt(sd(d), 3));
                if (none != null && v != none) {
                    md.append(" (").append(pct(mean(d), mean(none.perCaseDice().get(k)))).append(')');
                }
                md.append(" |");
            }
            md.append('\n');
        }
        md.append("| *paper, LN (reported)* | — | −32 % | 0.90 (+7.5 %) | 0.74 (+12.5 %) | 0.95 (+1.5 %) | — | — | — |\n\n");
        md.append("Percentages in brackets are relative differences against `none` (for the paper: as the paper reports them).\n\n");
        md.append("![training and validation curves](curves.png)\n\n");
        md.append("`results.csv` holds the same figures; per-epoch logs are in each variant's `epochs.csv`.\n");
        return md.toString();
    }

    static List<String> csv(List<VariantResult> variants) {
        VariantResult none = baseline(variants);
        List<String> lines = new ArrayList<>();
        lines.add("variant,metric,mean,sd,n,pct_vs_none");
        for (VariantResult v : variants) {
            lines.add(String.format(Locale.ROOT, "%s,best_val_loss,%.6f,,1,%s", v.normalization(), v.bestValLoss(),
                    none == null || v == none ? "" : String.format(Locale.ROOT, "%.2f", 100 * (v.bestValLoss() / none.bestValLoss() - 1))));
            for (String k : KEYS) {
                double[] d = v.perCaseDice().get(k);
                String p = none == null || v == none ? ""
                        : String.format(Locale.ROOT, "%.2f", 100 * (mean(d) / mean(none.perCaseDice().get(k)) - 1));
                lines.add(String.format(Locale.ROOT, "%s,dice_%s,%.6f,%.6f,%d,%s", v.normalization(), k, mean(d), sd(d), d.length, p));
            }
            lines.add(String.format(Locale.ROOT, "%s,best_epoch,%d,,1,", v.normalization(), v.bestEpoch()));
            lines.add(String.format(Locale.ROOT, "%s,train_seconds,%.1f,,1,", v.normalization(), v.trainSeconds()));
            lines.add(String.format(Locale.ROOT, "%s,parameters,%d,,1,", v.normalization(), v.parameters()));
        }
        return lines;
    }

    static BufferedImage curves(List<VariantResult> variants) {
        LineChart loss = new LineChart("Loss (solid: training, dashed: validation)", "epoch", "Dice + CE loss");
        LineChart dice = new LineChart("Validation Dice, mean of WT/TC/ET", "epoch", "Dice");
        for (int i = 0; i < variants.size(); i++) {
            VariantResult v = variants.get(i);
            Color c = COLORS[i % COLORS.length];
            double[] x = v.history().stream().mapToDouble(EpochRecord::epoch).toArray();
            loss.add(new LineChart.Series(v.normalization() + " train", c, false, x,
                    v.history().stream().mapToDouble(EpochRecord::trainLoss).toArray()));
            loss.add(new LineChart.Series(v.normalization() + " val", c, true, x,
                    v.history().stream().mapToDouble(EpochRecord::valLoss).toArray()));
            dice.add(new LineChart.Series(v.normalization(), c, false, x,
                    v.history().stream().mapToDouble(EpochRecord::meanRegionDice).toArray()));
        }
        BufferedImage img = new BufferedImage(1400, 560, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        loss.draw(g, 0, 0, 700, 560);
        dice.draw(g, 700, 0, 700, 560);
        g.dispose();
        return img;
    }

    static double mean(double[] d) {
        if (d == null || d.length == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (double v : d) {
            s += v;
        }
        return s / d.length;
    }

    /** Sample standard deviation (n − 1), 0 for a single case. */
    static double sd(double[] d) {
        if (d == null || d.length < 2) {
            return d == null ? Double.NaN : 0;
        }
        double m = mean(d), s = 0;
        for (double v : d) {
            s += (v - m) * (v - m);
        }
        return Math.sqrt(s / (d.length - 1));
    }

    private static String pct(double v, double base) {
        if (!Double.isFinite(v) || !Double.isFinite(base) || base == 0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%+.1f %%", 100 * (v / base - 1));
    }

    private static String fmt(double v, int digits) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + digits + "f", v) : "n/a";
    }
}
