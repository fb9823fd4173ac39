package org.brainseg.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.brainseg.imaging.preprocess.PreprocessOptions;
import org.brainseg.imaging.preprocess.PreprocessedCase;
import org.brainseg.model.Phantoms;
import org.brainseg.model.artifact.LoadedModel;
import org.brainseg.model.artifact.ModelArtifact;
import org.brainseg.model.engine.DeviceChoice;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.model.net.Normalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    private static final EngineSettings ENGINE = EngineSettings.of(DeviceChoice.CPU, 1);

    @TempDir
    Path tmp;

    private static TrainingConfig.Builder tiny() {
        return TrainingConfig.builder().depth(3).baseWidth(8).patch(32).batch(2).learningRate(3e-3f)
                .preprocessing(PreprocessOptions.onScanGrid());
    }

    @Test
    void shouldLowerTheLossAndReachANonTrivialDiceOnPhantoms() throws Exception {
        List<PreprocessedCase> cases = Phantoms.preprocessed(8, 32, 100);
        TrainingConfig config = tiny().epochs(6).stepsPerEpoch(20).normalization(Normalization.LAYER).build();
        List<Double> losses = new ArrayList<>();
        long t0 = System.nanoTime();
        TrainingResult r = new Trainer(config, ENGINE).fit(cases.subList(0, 6), cases.subList(6, 8), tmp.resolve("m"),
                new TrainingListener() {
                    @Override
                    public void onStep(StepProgress p) {
                        losses.add(p.loss());
                    }
                });
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.err.printf("training: %.1f s, %.3f s/step, losses first %.3f last %.3f, best %s%n", seconds,
                r.meanStepSeconds(), losses.get(0), losses.get(losses.size() - 1), r.best());
        double first = losses.subList(0, 10).stream().mapToDouble(d -> d).average().orElseThrow();
        double last = losses.subList(losses.size() - 10, losses.size()).stream().mapToDouble(d -> d).average().orElseThrow();
        assertThat(last).isLessThan(0.6 * first);
        assertThat(r.best().valDice().get("WT")).isGreaterThan(0.5);
        assertThat(r.history()).hasSize(6);
        assertThat(Files.readAllLines(tmp.resolve("m").resolve(Trainer.CSV_FILE))).hasSize(7)
                .first().isEqualTo(EpochCsv.HEADER);
        try (LoadedModel m = ModelArtifact.load(tmp.resolve("m"), ai.djl.Device.cpu())) {
            assertThat(m.manifest().metrics().get("dice_WT")).isEqualTo(r.best().valDice().get("WT"));
            assertThat(m.manifest().trainingDataHash()).isEqualTo(TrainingData.hash(cases));
        }
    }
}
