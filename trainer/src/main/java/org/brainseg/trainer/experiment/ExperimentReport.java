package org.brainseg.trainer.experiment;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.brainseg.imaging.labels.TumourLabel;
import org.brainseg.model.train.EpochResult;
import org.brainseg.schemas.RegionValues;

/**
 * Writes an experiment's {@code report.md}, {@code results.csv} and {@code curves.png} in the form of
 * Rawat &amp; Kumar's comparison (ICCIDS 2022), made sound: per variant the mean ± sd over training seeds
 * of the test-case Dice per label (edema, non-enhancing = NCR/NET, enhancing) and region (WT, TC, ET)
 * and of the lowest validation loss (the paper's measure); a paired comparison per seed (variant
 * minus {@code none}); training time; the paper's reported figures as a reference row; the curves of
 * every run.
 */
public final class ExperimentReport {
    /** Label and region keys in table order (their column titles: {@link #title}). */
    static final List<String> KEYS = RegionValues.KEYS;
    /** What the paper reports for LN (BraTS, its own budget), in the column order of {@link #KEYS}. */
    static final String PAPER_ROW =
            "| *paper, LN (reported; BraTS, GPU budget)* | — | −32 % against none | 0.90 | 0.74 | 0.95 | — | — | — | — | — |";
    /** The mean validation Dice a run counts as having learned the task at (speed of learning). */
    static final double LEARNED = 0.80;
    private static final Color[] COLORS = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd), new Color(0xff7f0e), new Color(0x8c564b)
    };

    private ExperimentReport() {}

    /** A key's column title: the key, but NCR/NET as the BraTS papers write it. */
    static String title(String key) {
        return key.equals(RegionValues.key(TumourLabel.NCR_NET)) ? "NCR/NET" : key;
    }

    /**
     * @param setup free-text lines describing data, split, budget and the exact command
     * @param runs one result per variant and seed
     */
    public static void write(Path dir, List<String> setup, List<VariantResult> runs) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("report.md"), markdown(setup, runs));
        Files.write(dir.resolve("results.csv"), csv(runs));
        ImageIO.write(curves(runs), "png", dir.resolve("curves.png").toFile());
    }

    /** Runs grouped by variant, variants in order of first appearance, seeds in run order. */
    static Map<String, List<VariantResult>> byVariant(List<VariantResult> runs) {
        return runs.stream().collect(Collectors.groupingBy(VariantResult::normalization, LinkedHashMap::new, Collectors.toList()));
    }

    /** The pairs compared: every variant against {@code none}, or against the first variant when none is absent. */
    static List<String[]> pairs(List<String> variants) {
        String base = variants.contains("none") ? "none" : variants.get(0);
        List<String[]> out = new ArrayList<>();
        for (String v : variants) {
            if (!v.equals(base)) {
                out.add(new String[] {v, base});
            }
        }
        return out;
    }

    static double[] values(List<VariantResult> runs, ToDoubleFunction<VariantResult> f) {
        return runs.stream().mapToDouble(f).toArray();
    }

    static List<Long> seeds(List<VariantResult> runs) {
        return runs.stream().map(VariantResult::seed).toList();
    }

    static Stats.Paired paired(List<VariantResult> a, List<VariantResult> b, ToDoubleFunction<VariantResult> f, boolean lowerIsBetter) {
        return Stats.paired(values(a, f), seeds(a), values(b, f), seeds(b), lowerIsBetter);
    }

    static String markdown(List<String> setup, List<VariantResult> runs) {
        Map<String, List<VariantResult>> groups = byVariant(runs);
        int seeds = groups.values().stream().mapToInt(List::size).max().orElse(0);
        int testCases = runs.isEmpty() ? 0 : runs.get(0).testCases();
        StringBuilder md = new StringBuilder();
        md.append("# Normalization experiment: ").append(String.join(" vs ", groups.keySet())).append(", ")
                .append(seeds).append(seeds == 1 ? " seed" : " seeds")
                .append("\n\nReproduces the comparison of Rawat & Kumar, *Assessing Layer Normalization with BraTS MRI Data in a "
                        + "Convolution Neural Net* (ICCIDS 2022): the same 3D U-Net trained with each normalization on the same "
                        + "split, schedule and budget, once per training seed. The cases are split once into training, "
                        + "validation and test cases: validation chooses each run's checkpoint, the test cases are scored once "
                        + "on it and choose nothing.\n\n## Setup\n\n");
        for (String s : setup) {
            md.append("- ").append(s).append('\n');
        }
        md.append(String.format(Locale.ROOT, "%n## Results on the %d test cases (mean ± sd over seeds; each seed's figure is "
                + "its mean over the test cases)%n%n", testCases));
        md.append("| variant | seeds | lowest val loss |");
        for (String k : KEYS) {
            md.append(' ').append(title(k)).append(" Dice |");
        }
        md.append(" kept epoch | training time per run |\n|---|---|---|").append("---|".repeat(KEYS.size())).append("---|---|\n");
        for (Map.Entry<String, List<VariantResult>> e : groups.entrySet()) {
            List<VariantResult> g = e.getValue();
            md.append("| ").append(e.getKey()).append(" | ").append(g.size()).append(" | ")
                    .append(pm(values(g, VariantResult::bestValLoss), 4)).append(" |");
            for (String k : KEYS) {
                md.append(' ').append(pm(values(g, v -> v.testMean(k)), 3)).append(" |");
            }
            md.append(' ').append(g.stream().map(v -> Integer.toString(v.bestEpoch())).collect(Collectors.joining(", ")))
                    .append(" | ").append(pm(values(g, VariantResult::trainSeconds), 0)).append(" s |\n");
        }
        if (runs.stream().anyMatch(VariantResult::hasShiftedTest)) {
            md.append("\n### The same test cases under acquisition shift\n\n| variant | seeds | WT Dice | TC Dice | ET Dice "
                    + "| worst case WT |\n|---|---|---|---|---|---|\n");
            for (Map.Entry<String, List<VariantResult>> e : groups.entrySet()) {
                List<VariantResult> g = e.getValue();
                md.append("| ").append(e.getKey()).append(" | ").append(g.size()).append(" |");
                for (String k : List.of("WT", "TC", "ET")) {
                    md.append(' ').append(pm(values(g, v -> v.shiftedTestMean(k)), 3)).append(" |");
                }
                md.append(' ').append(fmt(g.stream().mapToDouble(v -> Stats.min(v.shiftedTestDice().get("WT"))).min()
                        .orElse(Double.NaN), 3)).append(" |\n");
            }
        }
        md.append(String.format(Locale.ROOT, "%n### Speed of learning%n%nEpoch at which the mean validation Dice over WT, TC "
                + "and ET first reached %.2f (— where it never did), per seed.%n%n| variant | epochs |%n|---|---|%n", LEARNED));
        for (Map.Entry<String, List<VariantResult>> e : groups.entrySet()) {
            md.append("| ").append(e.getKey()).append(" | ").append(e.getValue().stream().map(v -> {
                double ep = v.epochsTo(LEARNED);
                return Double.isNaN(ep) ? "—" : Integer.toString((int) ep);
            }).collect(Collectors.joining(", "))).append(" |\n");
        }
        md.append('\n');
        md.append(PAPER_ROW).append("\n\nThe paper's row is what it reports for LN on BraTS (Dice: edema, NCR/NET, ET; "
                + "+7.5 %, +12.5 %, +1.5 % against its no-normalization model); it is a reference, not a run of ours.\n");
        for (String[] p : pairs(new ArrayList<>(groups.keySet()))) {
            pairedSection(md, p[0], groups.get(p[0]), p[1], groups.get(p[1]));
        }
        md.append("\n## Every run\n\n| variant | seed | kept epoch | lowest val loss | val WT/TC/ET mean Dice (kept epoch) |");
        for (String k : KEYS) {
            md.append(" test ").append(title(k)).append(" |");
        }
        md.append(" seconds |\n|---|---|---|---|---|").append("---|".repeat(KEYS.size())).append("---|\n");
        for (VariantResult v : runs) {
            md.append("| ").append(v.normalization()).append(" | ").append(v.seed()).append(" | ").append(v.bestEpoch())
                    .append(" | ").append(fmt(v.bestValLoss(), 4)).append(" | ")
                    .append(fmt((v.valMean("WT") + v.valMean("TC") + v.valMean("ET")) / 3, 3)).append(" |");
            for (String k : KEYS) {
                md.append(' ').append(fmt(v.testMean(k), 3)).append(" |");
            }
            md.append(' ').append(fmt(v.trainSeconds(), 0)).append(" |\n");
        }
        md.append("\n![training and validation curves of every run](curves.png)\n\n"
                + "`results.csv` holds the same figures (per run, mean, sd and paired differences); per-epoch logs are in "
                + "each run's `epochs.csv`.\n");
        return md.toString();
    }

    private static void pairedSection(StringBuilder md, String a, List<VariantResult> ga, String b, List<VariantResult> gb) {
        Stats.Paired loss = paired(ga, gb, VariantResult::bestValLoss, true);
        if (loss.seeds().isEmpty()) {
            return;
        }
        md.append("\n## Paired by seed: ").append(a).append(" − ").append(b)
                .append("\n\nEach seed's difference compares two runs that share the seed, split and budget. "
                        + "Better = lower loss, higher Dice.\n\n| metric |");
        for (long s : loss.seeds()) {
            md.append(" seed ").append(s).append(" |");
        }
        md.append(" mean difference ± sd | better in |\n|---|").append("---|".repeat(loss.seeds().size())).append("---|---|\n");
        pairedRow(md, "lowest val loss", loss, 4, a, b);
        Stats.Paired rel = new Stats.Paired(loss.seeds(), relative(ga, gb), true);
        md.append("| lowest val loss, relative (paper: −32 %) |");
        for (double d : rel.diff()) {
            md.append(' ').append(String.format(Locale.ROOT, "%+.1f %%", 100 * d)).append(" |");
        }
        md.append(String.format(Locale.ROOT, " %+.1f %% ± %.1f %% |", 100 * rel.summary().mean(), 100 * rel.summary().sd()))
                .append(' ').append(better(rel, a, b)).append(" |\n");
        for (String k : KEYS) {
            pairedRow(md, "test " + title(k) + " Dice", paired(ga, gb, v -> v.testMean(k), false), 3, a, b);
        }
    }

    /** a's lowest validation loss relative to b's, per shared seed (a / b − 1). */
    static double[] relative(List<VariantResult> ga, List<VariantResult> gb) {
        List<Double> out = new ArrayList<>();
        for (VariantResult va : ga) {
            gb.stream().filter(vb -> vb.seed() == va.seed()).findFirst()
                    .ifPresent(vb -> out.add(va.bestValLoss() / vb.bestValLoss() - 1));
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void pairedRow(StringBuilder md, String name, Stats.Paired p, int digits, String a, String b) {
        md.append("| ").append(name).append(" |");
        for (double d : p.diff()) {
            md.append(' ').append(signed(d, digits)).append(" |");
        }
        md.append(' ').append(signed(p.summary().mean(), digits)).append(" ± ").append(fmt(p.summary().sd(), digits)).append(" | ")
                .append(better(p, a, b)).append(" |\n");
    }

    private static String better(Stats.Paired p, String a, String b) {
        int n = p.diff().length;
        return String.format(Locale.ROOT, "%s %d of %d, %s %d of %d", a, p.aBetter(), n, b, p.bBetter(), n);
    }

    static List<String> csv(List<VariantResult> runs) {
        List<String> lines = new ArrayList<>();
        lines.add("variant,seed,metric,value,n");
        for (VariantResult v : runs) {
            String s = Long.toString(v.seed());
            lines.add(row(v.normalization(), s, "lowest_val_loss", v.bestValLoss(), 1));
            for (String k : KEYS) {
                lines.add(row(v.normalization(), s, "test_dice_" + k, v.testMean(k), v.testCases()));
            }
            for (String k : KEYS) {
                double[] d = v.valDice().get(k);
                lines.add(row(v.normalization(), s, "val_dice_" + k, Stats.mean(d), d == null ? 0 : d.length));
            }
            if (v.hasShiftedTest()) {
                for (String k : KEYS) {
                    double[] d = v.shiftedTestDice().get(k);
                    lines.add(row(v.normalization(), s, "shifted_test_dice_" + k, Stats.mean(d), d == null ? 0 : d.length));
                }
            }
            lines.add(row(v.normalization(), s, "epochs_to_val_dice_" + LEARNED, v.epochsTo(LEARNED), 1));
            lines.add(row(v.normalization(), s, "kept_epoch", v.bestEpoch(), 1));
            lines.add(row(v.normalization(), s, "train_seconds", v.trainSeconds(), 1));
            lines.add(row(v.normalization(), s, "parameters", v.parameters(), 1));
        }
        Map<String, List<VariantResult>> groups = byVariant(runs);
        for (Map.Entry<String, List<VariantResult>> e : groups.entrySet()) {
            List<VariantResult> g = e.getValue();
            summaryRows(lines, e.getKey(), "lowest_val_loss", values(g, VariantResult::bestValLoss));
            for (String k : KEYS) {
                summaryRows(lines, e.getKey(), "test_dice_" + k, values(g, v -> v.testMean(k)));
            }
            summaryRows(lines, e.getKey(), "train_seconds", values(g, VariantResult::trainSeconds));
        }
        for (String[] p : pairs(new ArrayList<>(groups.keySet()))) {
            List<VariantResult> ga = groups.get(p[0]), gb = groups.get(p[1]);
            String name = p[0] + "-" + p[1];
            pairedRows(lines, name, "diff_lowest_val_loss", paired(ga, gb, VariantResult::bestValLoss, true));
            Stats.Paired loss = paired(ga, gb, VariantResult::bestValLoss, true);
            pairedRows(lines, name, "rel_lowest_val_loss",
                    new Stats.Paired(loss.seeds(), relative(ga, gb), true));
            for (String k : KEYS) {
                pairedRows(lines, name, "diff_test_dice_" + k, paired(ga, gb, v -> v.testMean(k), false));
            }
        }
        return lines;
    }

    private static void summaryRows(List<String> lines, String variant, String metric, double[] v) {
        Stats.Summary s = Stats.Summary.of(v);
        lines.add(row(variant, "mean", metric, s.mean(), s.n()));
        lines.add(row(variant, "sd", metric, s.sd(), s.n()));
    }

    private static void pairedRows(List<String> lines, String name, String metric, Stats.Paired p) {
        for (int i = 0; i < p.diff().length; i++) {
            lines.add(row(name, Long.toString(p.seeds().get(i)), metric, p.diff()[i], 1));
        }
        summaryRows(lines, name, metric, p.diff());
    }

    private static String row(String variant, String seed, String metric, double value, int n) {
        return String.format(Locale.ROOT, "%s,%s,%s,%.6f,%d", variant, seed, metric, value, n);
    }

    static BufferedImage curves(List<VariantResult> runs) {
        LineChart loss = new LineChart("Loss per run (solid: training, dashed: validation)", "epoch", "Dice + CE loss");
        LineChart dice = new LineChart("Validation Dice per run, mean of WT/TC/ET", "epoch", "Dice");
        Map<String, List<VariantResult>> groups = byVariant(runs);
        int vi = 0;
        for (List<VariantResult> g : groups.values()) {
            Color base = COLORS[vi++ % COLORS.length];
            for (int si = 0; si < g.size(); si++) {
                VariantResult v = g.get(si);
                Color c = shade(base, si, g.size());
                String name = v.normalization() + (groups.values().stream().anyMatch(x -> x.size() > 1) ? " seed " + v.seed() : "");
                double[] x = v.history().stream().mapToDouble(EpochResult::epoch).toArray();
                loss.add(new LineChart.Series(name + " train", c, false, x,
                        v.history().stream().mapToDouble(EpochResult::trainLoss).toArray()));
                loss.add(new LineChart.Series(name + " val", c, true, x,
                        v.history().stream().mapToDouble(EpochResult::valLoss).toArray()));
                dice.add(new LineChart.Series(name, c, false, x,
                        v.history().stream().mapToDouble(EpochResult::meanRegionDice).toArray()));
            }
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

    /** The variant's colour, lighter for later seeds so the runs of one variant stay one family. */
    static Color shade(Color c, int i, int n) {
        double t = n <= 1 ? 0 : 0.5 * i / (n - 1);
        return new Color((int) Math.round(c.getRed() + (255 - c.getRed()) * t), (int) Math.round(c.getGreen() + (255 - c.getGreen()) * t),
                (int) Math.round(c.getBlue() + (255 - c.getBlue()) * t));
    }

    private static String pm(double[] v, int digits) {
        Stats.Summary s = Stats.Summary.of(v);
        return s.n() > 1 ? fmt(s.mean(), digits) + " ± " + fmt(s.sd(), digits) : fmt(s.mean(), digits);
    }

    private static String signed(double v, int digits) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%+." + digits + "f", v) : "n/a";
    }

    private static String fmt(double v, int digits) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + digits + "f", v) : "n/a";
    }
}
