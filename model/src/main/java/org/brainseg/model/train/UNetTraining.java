package org.brainseg.model.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Adam;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.IntConsumer;
import java.util.stream.Stream;
import org.brainseg.imaging.labels.LabelConvention;
import org.brainseg.imaging.preprocess.PreprocessedCase;
import org.brainseg.model.artifact.LoadedModel;
import org.brainseg.model.artifact.ModelArtifact;
import org.brainseg.model.artifact.ModelManifest;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.model.infer.SlidingWindow;
import org.brainseg.model.net.UNet3d;
import org.brainseg.model.net.UNetConfig;
import org.brainseg.schemas.RegionValues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the 3-D U-Net of Rawat &amp; Kumar (ICCIDS 2022) on preprocessed cases: patches with
 * tumour oversampling and augmentation ({@link PatchSampler}), loss cross-entropy + soft Dice
 * ({@link DiceCeLoss}), Adam with a poly or cosine decay; after every epoch a full-volume
 * sliding-window validation on the held-out cases (Dice per label and region, validation loss,
 * computed on the preprocessed grid), and the best checkpoint (highest mean WT/TC/ET Dice; lowest
 * training loss without validation cases) saved as a model directory with {@code epochs.csv}
 * beside it. Optional early stopping.
 *
 * <p>Repeatable: the same config, data and thread count on a CPU give the same loss sequence (the
 * seed drives PyTorch's generator for the weights and a {@link java.util.SplittableRandom} for
 * patches). PyTorch's generator is process-wide, so run one training per JVM at a time.
 *
 * <p>Memory: each step's tensors live in a sub-manager closed after the step, so the number of
 * NDArrays on the model's manager stays flat ({@link StepProgress#liveNdArrays()}).
 *
 * <p>Named for what it is, one training of the U-Net; not DJL's {@code ai.djl.training.Trainer}
 * (which it uses for the optimizer step) nor the trainer service.
 */
public final class UNetTraining {
    public static final String MODEL_NAME = "brainseg-unet3d";
    /** The per-epoch history written next to the model. */
    public static final String CSV_FILE = "epochs.csv";
    private static final Logger LOG = LoggerFactory.getLogger(UNetTraining.class);

    private final TrainingConfig config;
    private final EngineSettings engine;
    private final Path initialWeights;
    private final Map<String, Object> notes;

    public UNetTraining(TrainingConfig config, EngineSettings engine) {
        this(config, engine, null, Map.of());
    }

    private UNetTraining(TrainingConfig config, EngineSettings engine, Path initialWeights, Map<String, Object> notes) {
        this.config = Objects.requireNonNull(config, "config");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.initialWeights = initialWeights;
        this.notes = Map.copyOf(notes);
    }

    /**
     * The same training, recording {@code key: value} in model.json's training section (how the
     * data were prepared, for instance); a key the config already writes is refused.
     */
    public UNetTraining noting(String key, Object value) {
        if (config.describe().containsKey(key) || key.equals("trainCases") || key.equals("validationCases")
                || key.equals("startedFrom")) {
            throw new IllegalArgumentException("model.json's training section already has " + key);
        }
        Map<String, Object> more = new LinkedHashMap<>(notes);
        more.put(key, Objects.requireNonNull(value, "value"));
        return new UNetTraining(config, engine, initialWeights, more);
    }

    /**
     * The same training started from the weights of the model in {@code modelDir} instead of a
     * fresh initialization (fine-tuning). The model must have this config's architecture and
     * preprocessing; {@link #fit} checks both.
     */
    public UNetTraining startingFrom(Path modelDir) {
        return new UNetTraining(config, engine, Objects.requireNonNull(modelDir, "modelDir"), notes);
    }

    public TrainingConfig config() {
        return config;
    }

    /**
     * Trains on {@code train}, validates on {@code validation} (may be empty) and writes the best
     * checkpoint to {@code modelDir}. The cases must have been preprocessed with
     * {@code config().preprocessing()}, which model.json records for inference.
     *
     * @throws IllegalArgumentException for cases without labels, or no training cases
     * @throws IllegalStateException if the loss becomes NaN or infinite
     */
    public TrainingResult fit(List<PreprocessedCase> train, List<PreprocessedCase> validation, Path modelDir,
            TrainingListener listener) throws IOException {
        Objects.requireNonNull(modelDir, "modelDir");
        List<TrainingCase> cases = train.stream().map(TrainingCase::new).toList();
        for (PreprocessedCase v : validation) {
            if (!v.hasLabels()) {
                throw new IllegalArgumentException("validation case " + v.id() + " has no labels");
            }
        }
        Device device = engine.apply();
        Engine pytorch = Engine.getEngine(EngineSettings.ENGINE);
        pytorch.setRandomSeed((int) (config.seed() ^ (config.seed() >>> 32)));
        UNetConfig arch = config.architecture();
        List<String> trainIds = train.stream().map(PreprocessedCase::id).toList();
        List<String> valIds = validation.stream().map(PreprocessedCase::id).toList();
        Map<String, Object> info = new LinkedHashMap<>(config.describe());
        info.put("trainCases", trainIds);
        info.put("validationCases", valIds);
        if (initialWeights != null) {
            info.put("startedFrom", initialWeights.toString());
        }
        new TreeMap<>(notes).forEach(info::put);
        ModelManifest base = new ModelManifest(MODEL_NAME, arch, config.patch(), config.preprocessing(),
                LabelConvention.INTERNAL, TrainingData.hash(Stream.concat(train.stream(), validation.stream()).toList()),
                info, Map.of(), ModelArtifact.PARAMS_FILE, "", Instant.now().toString(),
                "DJL " + Engine.getDjlVersion() + " / PyTorch " + pytorch.getVersion());
        listener.onStart(config, train.size(), validation.size());
        LOG.info("training {} on {} cases, validating on {}; {} epochs x {} steps, batch {}, patch {}^3, {}",
                arch.normalization(), train.size(), validation.size(), config.epochs(), config.stepsPerEpoch(),
                config.batch(), config.patch(), device);

        UNet3d net = new UNet3d(arch);
        int p = config.patch();
        Shape shape = new Shape(config.batch(), arch.inChannels(), p, p, p);
        Shape targetShape = new Shape(config.batch(), arch.classes(), p, p, p);
        PolyLearningRate lr = new PolyLearningRate(config.learningRate(), config.totalSteps(), config.schedule());
        try (Model model = Model.newInstance(MODEL_NAME, device, EngineSettings.ENGINE);
                EpochCsv csv = new EpochCsv(modelDir.resolve(CSV_FILE))) {
            model.setBlock(net);
            net.initialize(model.getNDManager(), DataType.FLOAT32, shape);
            if (initialWeights != null) {
                ModelManifest from = ModelArtifact.loadWeightsInto(initialWeights, net, model);
                String why = incompatibility(from, config);
                if (why != null) {
                    throw new IllegalArgumentException("cannot fine-tune " + initialWeights + ": " + why);
                }
                LOG.info("starting from the weights of {} (fine-tuning)", initialWeights);
            }
            // The loss is computed here, not by DJL's Trainer; the config needs one all the same.
            DefaultTrainingConfig tc = new DefaultTrainingConfig(Loss.l2Loss())
                    .optOptimizer(Adam.builder().optLearningRateTracker(lr).build())
                    .optDevices(new Device[] {device});
            try (ai.djl.training.Trainer trainer = model.newTrainer(tc)) {
                return loop(model, net, trainer, cases, validation, shape, targetShape, lr, modelDir, base, csv,
                        listener, trainIds, valIds);
            }
        }
    }

    private TrainingResult loop(Model model, UNet3d net, ai.djl.training.Trainer trainer, List<TrainingCase> cases,
            List<PreprocessedCase> validation, Shape shape, Shape targetShape, PolyLearningRate lr, Path modelDir,
            ModelManifest base, EpochCsv csv, TrainingListener listener, List<String> trainIds, List<String> valIds)
            throws IOException {
        PatchSampler sampler = new PatchSampler(cases, config.patch(), config.architecture().classes(),
                config.foregroundFraction(), config.augmentation(), config.seed());
        long start = System.nanoTime();
        long global = 0;
        double stepSeconds = 0;
        RegionValues lastDice = null;
        List<EpochResult> history = new ArrayList<>();
        int bestEpoch = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        double bestLoss = Double.POSITIVE_INFINITY;
        int sinceBest = 0;
        boolean early = false;
        ModelManifest saved = null;
        for (int epoch = 1; epoch <= config.epochs(); epoch++) {
            long epochStart = System.nanoTime();
            double lossSum = 0;
            for (int step = 1; step <= config.stepsPerEpoch(); step++) {
                long s0 = System.nanoTime();
                PatchSampler.Batch batch = sampler.next(config.batch());
                float loss = step(model, trainer, batch, shape, targetShape);
                if (!Float.isFinite(loss)) {
                    throw new IllegalStateException("training diverged: loss " + loss + " at epoch " + epoch + ", step "
                            + step + " (" + config.normalization() + ", learning rate " + config.learningRate()
                            + "); try a lower learning rate");
                }
                stepSeconds += (System.nanoTime() - s0) / 1e9;
                global++;
                lossSum += loss;
                listener.onStep(new StepProgress(epoch, config.epochs(), step, config.stepsPerEpoch(), global,
                        config.totalSteps(), loss, lr.rateAt((int) global - 1), (System.nanoTime() - start) / 1e9,
                        lastDice, model.getNDManager().getManagedArrays().size()));
            }
            double trainLoss = lossSum / config.stepsPerEpoch();
            List<CaseDice> perCase = validate(model, net, validation, epoch, listener);
            RegionValues dice = RegionValues.mean(perCase.stream().map(CaseDice::dice).toList());
            double valLoss = perCase.stream().mapToDouble(CaseDice::loss).average().orElse(Double.NaN);
            double score = perCase.isEmpty() ? -trainLoss : dice.meanRegions();
            double tieLoss = perCase.isEmpty() ? trainLoss : valLoss;
            boolean best = score > bestScore || (score == bestScore && tieLoss < bestLoss);
            if (best) {
                bestScore = score;
                bestLoss = tieLoss;
                bestEpoch = epoch;
                sinceBest = 0;
            } else {
                sinceBest++;
            }
            EpochResult r = new EpochResult(epoch, trainLoss, valLoss, dice, perCase, lr.rateAt((int) global - 1),
                    (System.nanoTime() - epochStart) / 1e9, best);
            if (best) {
                saved = ModelArtifact.save(modelDir, net, base.withMetrics(metrics(r, perCase.size())));
            }
            history.add(r);
            csv.write(r);
            lastDice = dice;
            LOG.info("epoch {}/{}: train loss {}, val loss {}, val Dice WT {} TC {} ET {}{}", epoch, config.epochs(),
                    fmt(trainLoss), fmt(valLoss), fmt(dice == null ? Double.NaN : dice.wt()),
                    fmt(dice == null ? Double.NaN : dice.tc()), fmt(dice == null ? Double.NaN : dice.et()),
                    best ? " (best, saved)" : "");
            listener.onEpoch(r);
            if (config.patience() > 0 && sinceBest >= config.patience()) {
                early = true;
                LOG.info("early stop: no better validation score for {} epochs; keeping epoch {}", sinceBest, bestEpoch);
                break;
            }
        }
        return new TrainingResult(history, bestEpoch, early, modelDir, saved, trainIds, valIds,
                global == 0 ? 0 : stepSeconds / global);
    }

    /**
     * Why the model of manifest {@code from} cannot be the start of training {@code config}
     * ({@link #startingFrom}), or null when it can: it needs the same architecture (depth, width,
     * normalization) and preprocessing (spacing, crop margin). Callers add their own hint.
     */
    public static String incompatibility(ModelManifest from, TrainingConfig config) {
        UNetConfig a = from.architecture();
        if (!a.equals(config.architecture())) {
            return "it is a depth " + a.depth() + ", width " + a.baseWidth() + " " + a.normalization().wire()
                    + " network, this training a depth " + config.depth() + ", width " + config.baseWidth() + " "
                    + config.normalization().wire() + " one";
        }
        if (!from.preprocessing().equals(config.preprocessing())) {
            return "it works on cases preprocessed as " + from.preprocessing() + ", this training uses "
                    + config.preprocessing();
        }
        return null;
    }

    /** One optimizer step; every tensor of the step is closed with its sub-manager. */
    private static float step(Model model, ai.djl.training.Trainer trainer, PatchSampler.Batch batch, Shape shape,
            Shape targetShape) {
        try (NDManager sm = model.getNDManager().newSubManager()) {
            NDArray x = sm.create(batch.images(), shape);
            NDArray y = sm.create(batch.oneHot(), targetShape);
            float loss;
            try (GradientCollector gc = trainer.newGradientCollector()) {
                NDArray logits = trainer.forward(new NDList(x)).singletonOrThrow();
                NDArray l = DiceCeLoss.compute(logits, y);
                gc.backward(l);
                loss = l.getFloat();
            }
            trainer.step();
            return loss;
        }
    }

    private List<CaseDice> validate(Model model, UNet3d net, List<PreprocessedCase> validation, int epoch,
            TrainingListener listener) {
        return score(model, net, config.architecture(), config.patch(), config.windowBatch(), validation,
                i -> listener.onValidationCase(epoch, i, validation.size()));
    }

    /**
     * Dice per label and region and the Dice + CE loss of each case under a saved model, computed
     * exactly as validation computes them during {@link #fit} (sliding window without test-time
     * augmentation on the preprocessed grid, argmax). Used to score held-out test cases once on a
     * kept checkpoint.
     */
    public static List<CaseDice> score(LoadedModel loaded, int windowBatch, List<PreprocessedCase> cases) {
        ModelManifest m = loaded.manifest();
        for (PreprocessedCase c : cases) {
            if (!c.hasLabels()) {
                throw new IllegalArgumentException("case " + c.id() + " has no labels to score against");
            }
        }
        return score(loaded.model(), loaded.net(), m.architecture(), m.patchSize(), windowBatch, cases, i -> {});
    }

    private static List<CaseDice> score(Model model, UNet3d net, UNetConfig arch, int patch, int windowBatch,
            List<PreprocessedCase> cases, IntConsumer onCase) {
        SlidingWindow window = new SlidingWindow(net, arch.inChannels(), arch.classes(), patch, windowBatch, false);
        List<CaseDice> out = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            onCase.accept(i);
            PreprocessedCase c = cases.get(i);
            float[][] channels = new float[c.channels().length][];
            for (int k = 0; k < channels.length; k++) {
                channels[k] = c.channels()[k].data();
            }
            float[][] probs = window.predict(model.getNDManager(), channels, c.nx(), c.ny(), c.nz());
            float[] truth = c.labels().data();
            out.add(new CaseDice(c.id(), DiceScore.of(argmax(probs), truth), DiceCeLoss.compute(probs, truth)));
        }
        return out;
    }

    static float[] argmax(float[][] probs) {
        int n = probs[0].length;
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int k = 1; k < probs.length; k++) {
                if (probs[k][i] > probs[best][i]) {
                    best = k;
                }
            }
            out[i] = best;
        }
        return out;
    }

    private static Map<String, Double> metrics(EpochResult r, int valCases) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("epoch", (double) r.epoch());
        m.put("train_loss", r.trainLoss());
        if (valCases > 0) {
            m.put("val_loss", r.valLoss());
            r.valDice().byKey().forEach((k, v) -> m.put("dice_" + k, v));
            m.put("val_cases", (double) valCases);
        }
        return m;
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.4f", v);
    }
}
