package org.brainseg.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.DatasetScan;
import org.brainseg.imaging.dataset.DatasetScanner;
import org.brainseg.imaging.preprocess.PreprocessOptions;
import org.brainseg.imaging.preprocess.PreprocessedCase;
import org.brainseg.model.engine.DeviceChoice;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.model.net.Normalization;
import org.brainseg.model.train.DataSplit;
import org.brainseg.model.train.EpochResult;
import org.brainseg.model.train.StepProgress;
import org.brainseg.model.train.Trainer;
import org.brainseg.model.train.TrainingConfig;
import org.brainseg.model.train.TrainingData;
import org.brainseg.model.train.TrainingListener;
import org.brainseg.model.train.TrainingResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code brainseg train}: trains a U-Net on a BraTS or MSD dataset and writes a model directory. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train the 3-D U-Net on a labelled BraTS or MSD dataset.",
            "Writes the best checkpoint (params + model.json) and epochs.csv to --out."})
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, description = "Dataset directory (BraTS 2018-2021, BraTS 2023+ or MSD Task01).")
    Path data;

    @Option(names = "--out", required = true, description = "Model directory to write.")
    Path out;

    @Option(names = "--normalization", defaultValue = "layer",
            description = "none, layer, layer-channel, instance, group or batch (default: ${DEFAULT-VALUE}).")
    String normalization;

    @Option(names = "--epochs", defaultValue = "20", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--steps-per-epoch", defaultValue = "50", description = "Optimizer steps per epoch (default: ${DEFAULT-VALUE}).")
    int stepsPerEpoch;

    @Option(names = "--spacing", defaultValue = "2.0",
            description = "Resample to this isotropic spacing in mm; 0 keeps each scan's grid (default: ${DEFAULT-VALUE}).")
    double spacing;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of weights, split, patches (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--patch", defaultValue = "64", description = "Cubic patch edge in voxels (default: ${DEFAULT-VALUE}).")
    int patch;

    @Option(names = "--depth", defaultValue = "3", description = "U-Net levels (default: ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--width", defaultValue = "8", description = "Channels at the first level (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--batch", defaultValue = "2", description = "Patches per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Adam's initial learning rate (default: ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--patience", defaultValue = "0",
            description = "Stop after this many epochs without a better validation Dice; 0 = never (default).")
    int patience;

    @Option(names = "--val-fraction", defaultValue = "0.2", description = "Share of cases held out (default: ${DEFAULT-VALUE}).")
    double valFraction;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu or auto (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--threads", defaultValue = "0", description = "Intra-op threads; 0 = one per core (default).")
    int threads;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        TrainingConfig config = TrainingConfig.builder().normalization(Normalization.parse(normalization)).epochs(epochs)
                .stepsPerEpoch(stepsPerEpoch).seed(seed).patch(patch).depth(depth).baseWidth(width).batch(batch)
                .learningRate(learningRate).patience(patience)
                .preprocessing(spacing > 0 ? PreprocessOptions.isotropic(spacing) : PreprocessOptions.onScanGrid())
                .build();
        EngineSettings engine = EngineSettings.of(DeviceChoice.parse(device), threads);
        DatasetScan scan = DatasetScanner.scan(data);
        scan.problems().forEach(p -> err.println("warning: " + p));
        List<Case> labelled = scan.cases().stream().filter(Case::hasLabel).toList();
        if (labelled.isEmpty()) {
            throw new BadInputException(data + ": no labelled cases to train on");
        }
        DataSplit split = DataSplit.of(labelled.stream().map(Case::id).toList(), valFraction, seed);
        List<PreprocessedCase> cases;
        try (ProgressBar bar = new ProgressBar("loading", labelled.size())) {
            cases = TrainingData.load(labelled, config.preprocessing(), (done, total) -> bar.update(done, ""));
        }
        List<PreprocessedCase> train = split.trainOf(cases, PreprocessedCase::id);
        List<PreprocessedCase> val = split.validationOf(cases, PreprocessedCase::id);
        TrainingResult result;
        try (ProgressBar bar = new ProgressBar("train", config.totalSteps())) {
            result = new Trainer(config, engine).fit(train, val, out, new TrainingListener() {
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
                dice(best.valDice()), out.resolve(Trainer.CSV_FILE));
        return 0;
    }

    private static String dice(Map<String, Double> d) {
        if (d.isEmpty()) {
            return "";
        }
        return String.format(Locale.ROOT, ", val Dice WT %.3f TC %.3f ET %.3f", d.get("WT"), d.get("TC"), d.get("ET"));
    }
}
