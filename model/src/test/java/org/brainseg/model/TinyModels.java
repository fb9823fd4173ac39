package org.brainseg.model;

import java.nio.file.Path;
import java.util.List;
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

/**
 * The tiny real model of the service tests (worker, viewer, PACS bridge, CLI streaming): an LN U-Net
 * of depth 2 and width 4 with 32^3 patches, trained for a few steps on up to four cases (seconds on
 * two cores). It is weak on purpose: the tests that use it check delivery, loading and swapping,
 * never accuracy. Shared through the model module's test jar, so the recipe lives here only.
 */
public final class TinyModels {
    /** The spacing the service tests' cohorts use. */
    public static final double SPACING_MM = 3.0;

    private TinyModels() {}

    /** Trains into {@code modelsRoot/<version>} at {@link #SPACING_MM}, seeded with the version. */
    public static Path train(List<Case> cases, Path modelsRoot, int version, int steps) throws Exception {
        return train(cases, modelsRoot, version, steps, SPACING_MM);
    }

    /** Trains into {@code modelsRoot/<version>}, preprocessing to {@code spacingMm}, seeded with the version. */
    public static Path train(List<Case> cases, Path modelsRoot, int version, int steps, double spacingMm) throws Exception {
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
}
