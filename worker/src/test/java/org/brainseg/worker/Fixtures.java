package org.brainseg.worker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.brainseg.client.submit.ScanSubmitter;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.DatasetScanner;
import org.brainseg.imaging.preprocess.PreprocessOptions;
import org.brainseg.imaging.preprocess.PreprocessedCase;
import org.brainseg.synthetic.CohortConfig;
import org.brainseg.synthetic.CohortGenerator;
import org.brainseg.model.engine.DeviceChoice;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.model.train.DataSplit;
import org.brainseg.model.train.TrainingConfig;
import org.brainseg.model.train.TrainingData;
import org.brainseg.model.train.TrainingListener;
import org.brainseg.model.train.UNetTraining;
import org.brainseg.schemas.Normalization;
import org.brainseg.schemas.ScanArrived;
import org.brainseg.worker.config.WorkerConfig;

/**
 * Real data and a real model for the worker's integration tests: a small synthetic cohort at
 * 3 mm and a tiny LN U-Net trained on it for a few steps (seconds on 2 cores). The model is
 * weak; the tests check delivery, not accuracy.
 */
final class Fixtures {
    static final double SPACING_MM = 3.0;

    private Fixtures() {}

    static List<Case> cohort(Path dir, int cases, long seed) throws Exception {
        return cohort(dir, cases, seed, SPACING_MM);
    }

    /** A cohort at another spacing (coarser: fewer voxels, faster scans). */
    static List<Case> cohort(Path dir, int cases, long seed, double spacingMm) throws Exception {
        new CohortGenerator(CohortConfig.of(cases, seed).withSpacing(spacingMm)).generate(dir, r -> {});
        return DatasetScanner.scan(dir).cases();
    }

    /** Submits one ScanArrived per case, scan id {@code prefix + case id}, in one transaction. */
    static List<ScanArrived> submit(String bootstrap, String prefix, List<Case> cs) throws Exception {
        return submit(bootstrap, cs.size(), cs::get, i -> prefix + cs.get(i).id());
    }

    /**
     * Submits {@code n} scans cycling through the cases (a stream longer than the cohort), scan id
     * {@code prefix + i + "-" + case id}, in one transaction.
     */
    static List<ScanArrived> submitCycling(String bootstrap, String prefix, List<Case> cs, int n) throws Exception {
        return submit(bootstrap, n, i -> cs.get(i % cs.size()), i -> prefix + i + "-" + cs.get(i % cs.size()).id());
    }

    private static List<ScanArrived> submit(String bootstrap, int n, IntFunction<Case> caseAt, IntFunction<String> idAt)
            throws Exception {
        try (ScanSubmitter s = new ScanSubmitter(bootstrap, Map.of(), Clock.systemUTC())) {
            List<ScanArrived> events = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                events.add(s.eventFor(caseAt.apply(i), idAt.apply(i)));
            }
            return s.submit(events);
        }
    }

    /** Trains into {@code modelsRoot/<version>} and returns that directory. */
    static Path tinyModel(List<Case> cases, Path modelsRoot, int version, int steps) throws Exception {
        return tinyModel(cases, modelsRoot, version, steps, SPACING_MM);
    }

    /** A tiny model preprocessing to {@code spacingMm}, seeded with its version. */
    static Path tinyModel(List<Case> cases, Path modelsRoot, int version, int steps, double spacingMm) throws Exception {
        Path out = modelsRoot.resolve(Integer.toString(version));
        TrainingConfig config = TrainingConfig.builder().normalization(Normalization.LAYER).epochs(1).stepsPerEpoch(steps)
                .seed(version).patch(32).depth(2).baseWidth(4).batch(1)
                .preprocessing(PreprocessOptions.isotropic(spacingMm)).build();
        List<PreprocessedCase> data = TrainingData.load(cases.subList(0, Math.min(4, cases.size())), config.preprocessing(), null);
        DataSplit split = DataSplit.of(data.stream().map(PreprocessedCase::id).toList(), 0.25, 1);
        new UNetTraining(config, EngineSettings.of(DeviceChoice.CPU, 1)).fit(split.trainOf(data, PreprocessedCase::id),
                split.validationOf(data, PreprocessedCase::id), out, TrainingListener.NONE);
        return out;
    }

    static WorkerConfig config(String bootstrap, Path inputRoot, Path outputRoot, Path model, int threads, int maxInFlight,
            String transactionalId) throws Exception {
        Files.createDirectories(outputRoot);
        return WorkerConfig.local(bootstrap, transactionalId, inputRoot, outputRoot, model, threads, maxInFlight, 1);
    }
}
