package org.brainseg.trainer.experiment;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.CaseLoader;
import org.brainseg.imaging.dataset.DatasetScan;
import org.brainseg.imaging.dataset.DatasetScanner;
import org.brainseg.imaging.dataset.LoadedCase;
import org.brainseg.imaging.preprocess.PreprocessedCase;
import org.brainseg.imaging.preprocess.Preprocessor;
import org.brainseg.model.artifact.LoadedModel;
import org.brainseg.model.artifact.ModelArtifact;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.model.train.CaseDice;
import org.brainseg.model.train.TrainingConfig;
import org.brainseg.model.train.TrainingData;
import org.brainseg.model.train.TrainingListener;
import org.brainseg.model.train.TrainingResult;
import org.brainseg.model.train.UNetTraining;
import org.brainseg.schemas.Normalization;
import org.brainseg.synthetic.DomainRandomization;
import org.brainseg.synthetic.Perturbation;
import org.brainseg.synthetic.PerturbationStrength;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one model per normalization and training seed on the same data, split, schedule and
 * budget, and collects what the paper's comparison needs, made sound: the loss curves, the lowest
 * validation loss, the validation Dice of each run's kept checkpoint (validation chooses it) and
 * the Dice of the test cases, scored once on that checkpoint. Runs go seed by seed, every variant
 * within a seed, so a run cut short still leaves complete pairs.
 */
public final class ExperimentRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ExperimentRunner.class);

    /**
     * What to run; {@code base}'s normalization and seed are replaced by each run's. The split is
     * seeded by {@code base.seed()} and is the same for every run.
     */
    public record Plan(Path data, List<Normalization> variants, TrainingConfig base, List<Long> seeds, double valFraction,
            double testFraction, EngineSettings engine, Path out, PerturbationStrength testShift) {
        public Plan(Path data, List<Normalization> variants, TrainingConfig base, List<Long> seeds, double valFraction,
                double testFraction, EngineSettings engine, Path out) {
            this(data, variants, base, seeds, valFraction, testFraction, engine, out, PerturbationStrength.NONE);
        }

        public Plan {
            java.util.Objects.requireNonNull(testShift, "testShift");
            if (variants.isEmpty()) {
                throw new IllegalArgumentException("--normalizations: at least one variant is needed");
            }
            if (variants.stream().distinct().count() != variants.size()) {
                throw new IllegalArgumentException("--normalizations: a variant is listed twice: " + variants);
            }
            if (seeds.isEmpty()) {
                throw new IllegalArgumentException("--seeds: at least one seed is needed");
            }
            if (seeds.stream().distinct().count() != seeds.size()) {
                throw new IllegalArgumentException("--seeds: a seed is listed twice: " + seeds);
            }
            if (!(valFraction > 0 && valFraction < 1)) {
                throw new IllegalArgumentException("--val-fraction must be in (0, 1), got " + valFraction);
            }
            if (!(testFraction > 0 && testFraction < 1)) {
                throw new IllegalArgumentException("--test-fraction must be in (0, 1), got " + testFraction);
            }
            if (valFraction + testFraction >= 1) {
                throw new IllegalArgumentException("--val-fraction (" + valFraction + ") and --test-fraction (" + testFraction
                        + ") must sum to less than 1: no cases would be left to train on");
            }
            variants = List.copyOf(variants);
            seeds = List.copyOf(seeds);
        }

        /** Number of trainings: variants × seeds. */
        public int runs() {
            return variants.size() * seeds.size();
        }

        /** Where run (n, seed) keeps its model: {@code models/<n>} for one seed, {@code models/<n>/seed-<seed>} for several. */
        public Path modelDir(Normalization n, long seed) {
            Path dir = out.resolve("models").resolve(n.wire());
            return seeds.size() == 1 ? dir : dir.resolve("seed-" + seed);
        }
    }

    /** Progress callbacks for the command line. */
    public interface Progress {
        default void loading(int done, int total) {}

        /** A run starts; its training listener receives its steps. {@code index} counts runs over all seeds. */
        default TrainingListener variant(Normalization n, long seed, int index, int count) {
            return TrainingListener.NONE;
        }

        /** A run has finished and its test cases are scored; {@code soFar} holds every finished run. */
        default void finished(List<VariantResult> soFar) throws IOException {}
    }

    /** The data actually used, for the report's setup section. */
    public record Data(String layout, int train, int validation, int test, List<String> validationIds, List<String> testIds,
            String hash, PerturbationStrength testShift) {
        public Data {
            validationIds = List.copyOf(validationIds);
            testIds = List.copyOf(testIds);
        }
    }

    private Data data;

    public Data data() {
        return data;
    }

    public List<VariantResult> run(Plan plan, Progress progress) throws IOException {
        DatasetScan scan = DatasetScanner.scan(plan.data());
        List<Case> labelled = scan.cases().stream().filter(Case::hasLabel).toList();
        HeldOutSplit split = HeldOutSplit.of(labelled.stream().map(Case::id).toList(), plan.valFraction(), plan.testFraction(),
                plan.base().seed());
        List<PreprocessedCase> cases = TrainingData.load(labelled, plan.base().preprocessing(), progress::loading);
        List<PreprocessedCase> train = split.trainOf(cases, PreprocessedCase::id);
        List<PreprocessedCase> val = split.validationOf(cases, PreprocessedCase::id);
        List<PreprocessedCase> test = split.testOf(cases, PreprocessedCase::id);
        data = new Data(scan.layout().id(), train.size(), val.size(), test.size(), split.validation(), split.test(),
                TrainingData.hash(cases), plan.testShift());
        List<PreprocessedCase> shifted = shifted(split.testOf(labelled, Case::id), plan.testShift(), plan.base());
        List<VariantResult> results = new ArrayList<>();
        int index = 0;
        for (long seed : plan.seeds()) {
            for (Normalization n : plan.variants()) {
                TrainingConfig cfg = plan.base().withNormalization(n).toBuilder().seed(seed).build();
                long t0 = System.nanoTime();
                TrainingResult r = new UNetTraining(cfg, plan.engine()).fit(train, val, plan.modelDir(n, seed),
                        progress.variant(n, seed, index++, plan.runs()));
                double seconds = (System.nanoTime() - t0) / 1e9;
                VariantResult v = scored(n, seed, r, test, shifted, cfg.windowBatch(), seconds, plan.engine());
                results.add(v);
                LOG.info("{} seed {}: kept epoch {}, lowest validation loss {}, test Dice WT {} TC {} ET {}", n.wire(), seed,
                        r.bestEpoch(), r.bestValLoss(), v.testMean("WT"), v.testMean("TC"), v.testMean("ET"));
                progress.finished(List.copyOf(results));
            }
        }
        return results;
    }

    /**
     * The test cases under acquisition shift: case {@code i} of the test list perturbed with
     * {@code Perturbation.forCase(strength, split seed, i)} on its raw intensities, then preprocessed
     * as the plain ones. Empty for strength none.
     */
    static List<PreprocessedCase> shifted(List<Case> test, PerturbationStrength strength, TrainingConfig base)
            throws IOException {
        if (strength == PerturbationStrength.NONE) {
            return List.of();
        }
        CaseLoader loader = new CaseLoader();
        Preprocessor pre = new Preprocessor(base.preprocessing());
        List<PreprocessedCase> out = new ArrayList<>(test.size());
        for (int i = 0; i < test.size(); i++) {
            LoadedCase lc = loader.load(test.get(i));
            Perturbation p = Perturbation.forCase(strength, base.seed(), i);
            out.add(pre.apply(lc.id(), DomainRandomization.perturbed(lc, p), lc.labels()));
        }
        return out;
    }

    /** Loads the kept checkpoint once: counts its parameters and scores the test cases (plain and shifted) on it. */
    static VariantResult scored(Normalization n, long seed, TrainingResult r, List<PreprocessedCase> test,
            List<PreprocessedCase> shifted, int windowBatch, double seconds, EngineSettings engine) throws IOException {
        try (LoadedModel m = ModelArtifact.load(r.modelDir(), engine)) {
            long params = 0;
            for (var p : m.net().getParameters()) {
                params += p.getValue().getArray().size();
            }
            List<CaseDice> shiftedDice = shifted.isEmpty() ? List.of() : UNetTraining.score(m, windowBatch, shifted);
            return toVariant(n, seed, r, UNetTraining.score(m, windowBatch, test), shiftedDice, params, seconds);
        }
    }

    static VariantResult toVariant(Normalization n, long seed, TrainingResult r, List<CaseDice> test, long params,
            double seconds) {
        return toVariant(n, seed, r, test, List.of(), params, seconds);
    }

    static VariantResult toVariant(Normalization n, long seed, TrainingResult r, List<CaseDice> test, List<CaseDice> shifted,
            long params, double seconds) {
        return new VariantResult(n.wire(), seed, r.history(), r.bestEpoch(), r.bestValLoss(), perKey(r.best().perCase()),
                perKey(test), shifted.isEmpty() ? Map.of() : perKey(shifted), params, seconds);
    }

    static Map<String, double[]> perKey(List<CaseDice> cases) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (String k : ExperimentReport.KEYS) {
            double[] v = new double[cases.size()];
            for (int c = 0; c < v.length; c++) {
                v[c] = cases.get(c).dice().byKey().get(k);
            }
            out.put(k, v);
        }
        return out;
    }
}
