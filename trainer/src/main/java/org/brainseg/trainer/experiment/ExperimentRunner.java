package org.brainseg.trainer.experiment;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.DatasetScan;
import org.brainseg.imaging.dataset.DatasetScanner;
import org.brainseg.imaging.preprocess.PreprocessedCase;
import org.brainseg.model.artifact.LoadedModel;
import org.brainseg.model.artifact.ModelArtifact;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.model.train.CaseDice;
import org.brainseg.model.train.DataSplit;
import org.brainseg.model.train.EpochResult;
import org.brainseg.model.train.TrainingConfig;
import org.brainseg.model.train.TrainingData;
import org.brainseg.model.train.TrainingListener;
import org.brainseg.model.train.TrainingResult;
import org.brainseg.model.train.UNetTraining;
import org.brainseg.schemas.Normalization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one model per normalization on the same data, split, seed, schedule and budget, and
 * collects what the paper's comparison needs: the loss curves, the lowest validation loss and
 * the per-case validation Dice of each variant's kept checkpoint.
 */
public final class ExperimentRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ExperimentRunner.class);

    /** What to run; {@code base}'s normalization is replaced by each variant's. */
    public record Plan(Path data, List<Normalization> variants, TrainingConfig base, double valFraction,
            EngineSettings engine, Path out) {
        public Plan {
            if (variants.isEmpty()) {
                throw new IllegalArgumentException("--normalizations: at least one variant is needed");
            }
            if (variants.stream().distinct().count() != variants.size()) {
                throw new IllegalArgumentException("--normalizations: a variant is listed twice: " + variants);
            }
            if (!(valFraction > 0 && valFraction < 1)) {
                throw new IllegalArgumentException("--val-fraction must be in (0, 1), got " + valFraction);
            }
            variants = List.copyOf(variants);
        }
    }

    /** Progress callbacks for the command line. */
    public interface Progress {
        default void loading(int done, int total) {}

        /** A variant starts; its training listener receives its steps. */
        default TrainingListener variant(Normalization n, int index, int count) {
            return TrainingListener.NONE;
        }
    }

    /** The data actually used, for the report's setup section. */
    public record Data(String layout, int train, int validation, String hash) {}

    private Data data;

    public Data data() {
        return data;
    }

    public List<VariantResult> run(Plan plan, Progress progress) throws IOException {
        DatasetScan scan = DatasetScanner.scan(plan.data());
        List<Case> labelled = scan.cases().stream().filter(Case::hasLabel).toList();
        if (labelled.size() < 2) {
            throw new IllegalArgumentException(plan.data() + ": needs at least 2 labelled cases, found " + labelled.size());
        }
        DataSplit split = DataSplit.of(labelled.stream().map(Case::id).toList(), plan.valFraction(), plan.base().seed());
        List<PreprocessedCase> cases = TrainingData.load(labelled, plan.base().preprocessing(), progress::loading);
        List<PreprocessedCase> train = split.trainOf(cases, PreprocessedCase::id);
        List<PreprocessedCase> val = split.validationOf(cases, PreprocessedCase::id);
        data = new Data(scan.layout().id(), train.size(), val.size(), TrainingData.hash(cases));
        List<VariantResult> results = new ArrayList<>();
        for (int i = 0; i < plan.variants().size(); i++) {
            Normalization n = plan.variants().get(i);
            TrainingConfig cfg = plan.base().withNormalization(n);
            long t0 = System.nanoTime();
            TrainingResult r = new UNetTraining(cfg, plan.engine()).fit(train, val, plan.out().resolve("models").resolve(n.wire()),
                    progress.variant(n, i, plan.variants().size()));
            double seconds = (System.nanoTime() - t0) / 1e9;
            results.add(toVariant(n, r, parameterCount(r.modelDir(), plan.engine()), seconds));
            LOG.info("{}: best epoch {}, lowest validation loss {}", n.wire(), r.bestEpoch(), r.bestValLoss());
        }
        return results;
    }

    /** Trainable parameters of a saved model (loads it briefly). */
    static long parameterCount(Path modelDir, EngineSettings engine) throws IOException {
        try (LoadedModel m = ModelArtifact.load(modelDir, engine)) {
            long n = 0;
            for (var p : m.net().getParameters()) {
                n += p.getValue().getArray().size();
            }
            return n;
        }
    }

    static VariantResult toVariant(Normalization n, TrainingResult r, long params, double seconds) {
        List<EpochRecord> history = new ArrayList<>();
        double lowest = Double.NaN;
        for (EpochResult e : r.history()) {
            history.add(new EpochRecord(e.epoch(), e.trainLoss(), e.valLoss(), e.valDice(), e.seconds()));
            if (Double.isFinite(e.valLoss()) && !(e.valLoss() >= lowest)) {
                lowest = e.valLoss();
            }
        }
        Map<String, double[]> perCase = new LinkedHashMap<>();
        List<CaseDice> best = r.best().perCase();
        for (String k : ExperimentReport.KEYS) {
            double[] v = new double[best.size()];
            for (int c = 0; c < v.length; c++) {
                v[c] = best.get(c).dice().getOrDefault(k, Double.NaN);
            }
            perCase.put(k, v);
        }
        return new VariantResult(n.wire(), history, r.bestEpoch(), lowest, perCase, params, seconds);
    }
}
