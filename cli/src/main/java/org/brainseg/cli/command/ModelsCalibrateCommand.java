package org.brainseg.cli.command;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.brainseg.cli.console.ProgressBar;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.DatasetScan;
import org.brainseg.imaging.dataset.DatasetScanner;
import org.brainseg.model.bundle.BundleImport;
import org.brainseg.model.bundle.BundleReader;
import org.brainseg.model.infer.ScanSegmenter;
import org.brainseg.model.quality.QualityCalibration;
import org.brainseg.model.quality.QualityFitter;
import org.brainseg.model.quality.QualityProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code brainseg models calibrate}: writes a model folder's {@code quality.json} from labelled
 * validation cases (the predicted-Dice lines and the input reference), as the trainer does after
 * training and {@code models import} does on the held-out cases. For a model folder outside the
 * registry, e.g. one {@code brainseg train} wrote, or the shipped one.
 */
@Command(
        name = "calibrate",
        mixinStandardHelpOptions = true,
        description = {
            "Fit a model's quality estimate on labelled validation cases and write quality.json into its folder:",
            "per case the mask, a mirrored second pass and the true Dice; per region a line from flip agreement to Dice;",
            "the scans' intensity statistics for the input guard. Use cases the model did not train on.",
            "Refuses an imported registry version (its files are sealed; models import calibrates itself)."
        })
public final class ModelsCalibrateCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model folder (native or bundle).")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = {"Labelled validation cases (BraTS or MSD "
            + "layout); repeatable, e.g. a plain and a perturbed cohort (brainseg generate --perturb), so that the line",
        "spans the masks that go wrong as well as those that do not. The input reference (what scans should look like) is",
        "fitted on the first --data only."})
    List<Path> data;

    @Option(names = "--dry-run", description = "Print the fit, write nothing.")
    boolean dryRun;

    @Mixin
    EngineOptions engine;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(model) || !(Files.isRegularFile(model.resolve("model.json")) || BundleReader.isBundle(model))) {
            throw new BadInputException("--model " + model + ": not a model folder (no model.json, not a bundle)");
        }
        if (BundleImport.isImported(model)) {
            throw new BadInputException("--model " + model + ": an imported registry version; its files are sealed by "
                    + "import.json (brainseg models import calibrates on the held-out cases itself)");
        }
        List<Case> labelled = new java.util.ArrayList<>();
        int reference = -1;
        for (Path d : data) {
            if (!Files.isDirectory(d)) {
                throw new BadInputException("--data " + d + ": no such directory");
            }
            DatasetScan scan = DatasetScanner.scan(d);
            labelled.addAll(scan.cases().stream().filter(Case::hasLabel).toList());
            if (reference < 0) {
                reference = labelled.size(); // the first --data: the scans the model should see
            }
        }
        if (labelled.size() < 2 || reference < 1) {
            throw new BadInputException("--data " + data + " has " + labelled.size() + " labelled case(s); calibration needs "
                    + "at least 2 (" + QualityCalibration.MIN_CASES_FOR_SLOPE + " or more to fit a slope)");
        }
        PrintWriter out = spec.commandLine().getOut();
        QualityFitter.Result r;
        try (ScanSegmenter segmenter = ScanSegmenter.load(model, engine.settings());
                ProgressBar bar = new ProgressBar("calibrate", labelled.size())) {
            r = QualityFitter.fit(segmenter, labelled, reference, (done, total) -> bar.step(""));
        }
        out.printf(Locale.ROOT, "%-22s %8s %8s %8s %8s %8s %8s%n", "case", "flip WT", "true WT", "flip TC", "true TC", "flip ET",
                "true ET");
        for (QualityFitter.Point p : r.points()) {
            out.printf(Locale.ROOT, "%-22s %8.3f %8.3f %8.3f %8.3f %8.3f %8.3f%n", p.caseId(), p.flipDice()[0], p.trueDice()[0],
                    p.flipDice()[1], p.trueDice()[1], p.flipDice()[2], p.trueDice()[2]);
        }
        QualityCalibration c = r.profile().calibration();
        String[] names = {"WT", "TC", "ET"};
        QualityCalibration.Fit[] fits = {c.wt(), c.tc(), c.et()};
        for (int i = 0; i < 3; i++) {
            out.printf(Locale.ROOT, "%s: predicted = %.3f + %.3f x flip Dice (residual sd %.3f, mean true Dice %.3f)%n", names[i],
                    fits[i].intercept(), fits[i].slope(), fits[i].residualSd(), fits[i].baseline());
        }
        out.printf(Locale.ROOT, "input reference: the %d cases of %s%n", reference, data.get(0));
        if (dryRun) {
            out.println("--dry-run: nothing written");
        } else {
            r.profile().write(model);
            out.printf("wrote %s%n", model.resolve(QualityProfile.FILE_NAME));
        }
        return 0;
    }
}
