package org.brainseg.viewer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.brainseg.client.consume.EventReader;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.preprocess.PreprocessOptions;
import org.brainseg.imaging.preprocess.PreprocessedCase;
import org.brainseg.model.engine.DeviceChoice;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.model.train.DataSplit;
import org.brainseg.model.train.TrainingConfig;
import org.brainseg.model.train.TrainingData;
import org.brainseg.model.train.TrainingListener;
import org.brainseg.model.train.UNetTraining;
import org.brainseg.schemas.Normalization;
import org.brainseg.schemas.Topics;

/** A real worker's ingredients for the browser test: a tiny LN U-Net trained for a few steps (as the worker's ITs do). */
final class RealWorker {
    private RealWorker() {}

    /** Trains into {@code modelsRoot/1}; weak, but a real model the worker loads and runs. */
    static Path tinyModel(List<Case> cases, Path modelsRoot) throws Exception {
        Path out = modelsRoot.resolve("1");
        TrainingConfig config = TrainingConfig.builder().normalization(Normalization.LAYER).epochs(1).stepsPerEpoch(4).seed(1)
                .patch(32).depth(2).baseWidth(4).batch(1).preprocessing(PreprocessOptions.isotropic(3.0)).build();
        List<PreprocessedCase> data = TrainingData.load(cases, config.preprocessing(), null);
        DataSplit split = DataSplit.of(data.stream().map(PreprocessedCase::id).toList(), 0.25, 1);
        new UNetTraining(config, EngineSettings.of(DeviceChoice.CPU, 1)).fit(split.trainOf(data, PreprocessedCase::id),
                split.validationOf(data, PreprocessedCase::id), out, TrainingListener.NONE);
        return out;
    }

    /** Whether a SegmentationCompleted for {@code scanId} is committed. */
    static boolean completed(String bootstrap, String scanId) {
        try (EventReader r = new EventReader(bootstrap, Map.of(), Topics.SEGMENTATIONS)) {
            return r.readAll(Duration.ofSeconds(10)).stream()
                    .anyMatch(rec -> rec.key() != null && new String(rec.key(), StandardCharsets.UTF_8).equals(scanId));
        }
    }
}
