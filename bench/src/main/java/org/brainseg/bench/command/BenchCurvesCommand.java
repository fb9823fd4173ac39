package org.brainseg.bench.command;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.brainseg.cli.command.BadInputException;
import org.brainseg.trainer.experiment.LineChart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./bench/run curves}: puts training runs side by side from their {@code epochs.csv} (brainseg
 * train's, or bench/torch_train_peer.py's, which writes the same columns): loss (training solid,
 * validation dashed) and validation Dice of WT, TC and ET per epoch, one colour per run, as a PNG,
 * and a Markdown table of each run's last and best epoch.
 */
@Command(
        name = "curves",
        mixinStandardHelpOptions = true,
        description = {"Draw epochs.csv files side by side (ours beside the PyTorch training peer): loss and WT/TC/ET Dice",
            "per epoch into one PNG; prints a Markdown table of each run's last and best epoch."})
final class BenchCurvesCommand implements Callable<Integer> {
    private static final Color[] COLORS = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd), new Color(0xff7f0e), new Color(0x8c564b)
    };
    private static final String[] PANELS = {"WT", "TC", "ET"};

    @Option(names = "--run", required = true, paramLabel = "LABEL=EPOCHS_CSV", description = "a run to draw, repeatable")
    Map<String, Path> runs = new LinkedHashMap<>();

    @Option(names = "--out", required = true, paramLabel = "PNG", description = "image to write")
    Path out;

    @Option(names = "--title", defaultValue = "", description = "title prefix of the panels")
    String title;

    @Spec
    CommandSpec spec;

    record Epochs(double[] epoch, double[] train, double[] val, Map<String, double[]> dice) {}

    @Override
    public Integer call() throws Exception {
        if (runs.size() > COLORS.length) {
            throw new BadInputException("at most " + COLORS.length + " runs, got " + runs.size());
        }
        Map<String, Epochs> data = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : runs.entrySet()) {
            data.put(e.getKey(), read(e.getValue()));
        }
        String prefix = title.isBlank() ? "" : title + ": ";
        LineChart loss = new LineChart(prefix + "loss (solid: training, dashed: validation)", "epoch", "Dice + CE loss");
        List<LineChart> dice = new ArrayList<>();
        for (String k : PANELS) {
            dice.add(new LineChart(prefix + "validation Dice " + k, "epoch", "Dice"));
        }
        int i = 0;
        PrintWriter pw = spec.commandLine().getOut();
        pw.println("| run | epochs | last train loss | last val loss | last WT / TC / ET | best mean-region epoch: WT / TC / ET |");
        pw.println("|---|---|---|---|---|---|");
        for (Map.Entry<String, Epochs> e : data.entrySet()) {
            Color c = COLORS[i++];
            Epochs ep = e.getValue();
            loss.add(new LineChart.Series(e.getKey() + " train", c, false, ep.epoch(), ep.train()));
            loss.add(new LineChart.Series(e.getKey() + " val", c, true, ep.epoch(), ep.val()));
            for (int k = 0; k < PANELS.length; k++) {
                dice.get(k).add(new LineChart.Series(e.getKey(), c, false, ep.epoch(), ep.dice().get(PANELS[k])));
            }
            int last = ep.epoch().length - 1;
            int best = 0;
            for (int r = 0; r <= last; r++) {
                if (meanRegions(ep, r) > meanRegions(ep, best)) {
                    best = r;
                }
            }
            pw.printf(Locale.ROOT, "| %s | %d | %.3f | %.3f | %.3f / %.3f / %.3f | %d: %.3f / %.3f / %.3f |%n", e.getKey(), last + 1,
                    ep.train()[last], ep.val()[last], ep.dice().get("WT")[last], ep.dice().get("TC")[last], ep.dice().get("ET")[last],
                    (int) ep.epoch()[best], ep.dice().get("WT")[best], ep.dice().get("TC")[best], ep.dice().get("ET")[best]);
        }
        BufferedImage img = new BufferedImage(1400, 1000, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        loss.draw(g, 0, 0, 700, 500);
        dice.get(0).draw(g, 700, 0, 700, 500);
        dice.get(1).draw(g, 0, 500, 700, 500);
        dice.get(2).draw(g, 700, 500, 700, 500);
        g.dispose();
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        ImageIO.write(img, "png", out.toFile());
        pw.println("curves written to " + out);
        return 0;
    }

    private static double meanRegions(Epochs e, int row) {
        return (e.dice().get("WT")[row] + e.dice().get("TC")[row] + e.dice().get("ET")[row]) / 3;
    }

    /** An epochs.csv: epoch, train_loss, val_loss, dice_* columns by name. */
    static Epochs read(Path csv) throws Exception {
        if (!Files.isRegularFile(csv)) {
            throw new BadInputException(csv + ": no such file");
        }
        List<String> lines = Files.readAllLines(csv).stream().filter(l -> !l.isBlank()).toList();
        if (lines.size() < 2) {
            throw new BadInputException(csv + ": no epoch rows");
        }
        List<String> head = Arrays.asList(lines.get(0).split(",", -1));
        for (String need : List.of("epoch", "train_loss", "val_loss", "dice_WT", "dice_TC", "dice_ET")) {
            if (!head.contains(need)) {
                throw new BadInputException(csv + ": no column " + need + " (header: " + lines.get(0) + ")");
            }
        }
        int n = lines.size() - 1;
        double[][] cols = new double[head.size()][n];
        for (int r = 0; r < n; r++) {
            String[] f = lines.get(r + 1).split(",", -1);
            for (int c = 0; c < head.size() && c < f.length; c++) {
                try {
                    cols[c][r] = f[c].isBlank() ? Double.NaN : Double.parseDouble(f[c]);
                } catch (NumberFormatException e) {
                    cols[c][r] = Double.NaN; // e.g. the "best" column
                }
            }
        }
        Map<String, double[]> dice = new LinkedHashMap<>();
        for (String k : PANELS) {
            dice.put(k, cols[head.indexOf("dice_" + k)]);
        }
        return new Epochs(cols[head.indexOf("epoch")], cols[head.indexOf("train_loss")], cols[head.indexOf("val_loss")], dice);
    }
}
