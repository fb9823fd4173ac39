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
import org.brainseg.imaging.preprocess.PreprocessedCase;
import org.brainseg.model.artifact.ModelArtifact;
import org.brainseg.model.artifact.ModelManifest;
import org.brainseg.model.artifact.ShippedModel;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.model.train.DataSplit;
import org.brainseg.model.train.EpochResult;
import org.brainseg.model.train.StepProgress;
import org.brainseg.model.train.TrainingConfig;
import org.brainseg.model.train.TrainingData;
import org.brainseg.model.train.TrainingListener;
import org.brainseg.model.train.TrainingResult;
import org.brainseg.model.train.UNetTraining;
import org.brainseg.schemas.Normalization;
import org.brainseg.schemas.RegionValues;
import org.brainseg.synthetic.DomainRandomization;
import org.brainseg.synthetic.Perturbation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code brainseg train}: trains a U-Net on a BraTS or MSD dataset and writes a model directory. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train the 3-D U-Net on a labelled BraTS or MSD dataset.",
            "Writes the best checkpoint (params + model.json) and epochs.csv to --out."})
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, description = "Dataset directory (BraTS 2018-2021, BraTS 2023+ or MSD Task01).")
    Path data;

    @Option(names = "--out", required = true, description = "Model directory to write.")
    Path out;

    @Option(names = "--normalization", defaultValue = "layer",
            description = "none, layer, layer-channel, instance, group or batch (default: ${DEFAULT-VALUE}).")
    String normalization;

    @Option(names = "--start-from", paramLabel = "MODEL_DIR",
            description = "Fine-tune: start from this model's weights instead of fresh ones (same depth, width, "
                    + "normalization and spacing; 'shipped' for the shipped default model).")
    String startFrom;

    @Option(names = "--randomize", paramLabel = "STRENGTH", defaultValue = "0",
            description = {"Domain randomization: train also on copies of each training case with a random acquisition "
                + "shift (bias field, gamma, noise, thick slices, lower resolution) of a strength uniform in [0, STRENGTH]; "
                + "0.5 mild, 1 strong, 1.5 stronger, at most 2. Validation cases stay as acquired (default: off)."})
    double randomize;

    @Option(names = "--variants", paramLabel = "K", defaultValue = "2",
            description = "Randomized copies per training case with --randomize, 1 to 16 (default: ${DEFAULT-VALUE}).")
    int variants;

    @Mixin
    TrainingOptions options;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        DomainRandomization randomization = randomization();
        TrainingConfig config = options.config(Normalization.parse(normalization));
        EngineSettings engine = options.engine();
        DatasetScan scan = DatasetScanner.scan(data);
        scan.problems().forEach(p -> err.println("warning: " + p));
        List<Case> labelled = scan.cases().stream().filter(Case::hasLabel).toList();
        if (labelled.isEmpty()) {
            throw new BadInputException(data + ": no labelled cases to train on");
        }
        DataSplit split = DataSplit.of(labelled.stream().map(Case::id).toList(), options.valFraction, options.seed);
        List<PreprocessedCase> train;
        List<PreprocessedCase> val;
        try (ProgressBar bar = new ProgressBar(randomization.isOff() ? "loading" : "loading, randomizing", labelled.size())) {
            List<Case> trainCases = split.trainOf(labelled, Case::id);
            train = randomization.load(trainCases, config.preprocessing(), (done, total) -> bar.update(done, ""));
            val = TrainingData.load(split.validationOf(labelled, Case::id), config.preprocessing(),
                    (done, total) -> bar.update(trainCases.size() + done, ""));
        }
        UNetTraining training = training(config, engine);
        if (!randomization.isOff()) {
            training = training.noting("domainRandomization", randomization.describe());
        }
        TrainingResult result;
        try (ProgressBar bar = new ProgressBar("train", config.totalSteps())) {
            result = training.fit(train, val, out, new TrainingListener() {
                @Override
                public void onStep(StepProgress p) {
                    bar.update(p.globalStep(), String.format(Locale.ROOT, "epoch %d/%d loss %.3f%s", p.epoch(), p.epochs(),
                            p.loss(), dice(p.lastValDice())));
                }

                @Override
                public void onValidationCase(int epoch, int index, int count) {
                    bar.update(epoch * (long) config.stepsPerEpoch(),
                            String.format(Locale.ROOT, "epoch %d validating %d/%d", epoch, index + 1, count));
                }
            });
        }
        EpochResult best = result.best();
        spec.commandLine().getOut().printf(Locale.ROOT, "model written to %s (best epoch %d of %d%s)%s; history in %s%n",
                out, result.bestEpoch(), result.history().size(), result.stoppedEarly() ? ", stopped early" : "",
                dice(best.valDice()), out.resolve(UNetTraining.CSV_FILE));
        return 0;
    }

    private DomainRandomization randomization() {
        if (!(randomize >= 0 && randomize <= Perturbation.MAX_STRENGTH)) {
            throw new BadInputException("--randomize must be 0 to " + Perturbation.MAX_STRENGTH + " (1 = strong), got " + randomize);
        }
        if (variants < 1 || variants > DomainRandomization.MAX_VARIANTS) {
            throw new BadInputException("--variants must be 1 to " + DomainRandomization.MAX_VARIANTS + ", got " + variants);
        }
        return randomize == 0 ? DomainRandomization.off() : new DomainRandomization(randomize, variants, options.seed);
    }

    private UNetTraining training(TrainingConfig config, EngineSettings engine) throws Exception {
        UNetTraining t = new UNetTraining(config, engine);
        if (startFrom == null) {
            return t;
        }
        Path from = "shipped".equals(startFrom) ? ShippedModel.directory() : Path.of(startFrom);
        if (!Files.isRegularFile(from.resolve(ModelManifest.FILE_NAME))) {
            throw new BadInputException("--start-from " + startFrom + ": no model.json there");
        }
        String why = UNetTraining.incompatibility(ModelArtifact.readManifest(from), config);
        if (why != null) {
            throw new BadInputException("--start-from " + startFrom + ": " + why + " (pass the same --depth, --width, "
                    + "--normalization and --spacing)");
        }
        return t.startingFrom(from);
    }

    private static String dice(RegionValues d) {
        if (d == null) {
            return "";
        }
        return String.format(Locale.ROOT, ", val Dice WT %.3f TC %.3f ET %.3f", d.wt(), d.tc(), d.et());
    }
}
