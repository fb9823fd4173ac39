package org.brainseg.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.brainseg.imaging.dataset.DatasetScanner;
import org.brainseg.imaging.preprocess.PreprocessedCase;
import org.brainseg.synthetic.Anatomy;
import org.brainseg.synthetic.CohortConfig;
import org.brainseg.synthetic.CohortGenerator;
import org.brainseg.model.train.EpochResult;
import org.brainseg.model.train.TrainingConfig;
import org.brainseg.model.train.TrainingData;
import org.brainseg.model.train.TrainingListener;
import org.brainseg.model.train.TrainingResult;
import org.brainseg.model.train.UNetTraining;
import org.brainseg.schemas.Normalization;
import org.brainseg.trainer.config.TrainerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training a fresh machine's {@code ./brainseg demo --quick} runs, on the procedural phantom
 * anatomy (what a machine without Debian's mricron-data gets): the demo's own training settings (the
 * shipped model's width, patch 48, its learning rate) must give a finite, falling loss. Width 8 was
 * the shape whose gradients oneDNN got wrong on AMD Zen 5, with a NaN at step 2; the demo now trains
 * the shipped width, and two short epochs of 15 steps (not the demo's five of 30) keep the test short.
 */
class QuickDemoTrainingTest {
    @TempDir
    Path tmp;

    @Test
    void shouldTrainTheQuickDemosModelOnThePhantomWithAFiniteFallingLoss() throws Exception {
        // the --quick settings, from the one place they live, with a shorter budget
        DemoOptions quick = DemoOptions.quick(tmp.resolve("work"), tmp.resolve("cache")).training(15, 2).anyPorts().build();
        Path cohort = tmp.resolve("cohort");
        new CohortGenerator(CohortConfig.of(4, 11).withSpacing(quick.spacingMm()), Anatomy.phantom()).generate(cohort, r -> {});
        TrainerConfig.Training training = DemoConfigs.training(quick);
        TrainingConfig tc = training.toTrainingConfig(Normalization.LAYER, 2, 1);
        List<PreprocessedCase> data = TrainingData.load(DatasetScanner.scan(cohort).cases(), tc.preprocessing(), null);

        TrainingResult r = new UNetTraining(tc, training.engine()).fit(data, List.of(), tmp.resolve("model"), TrainingListener.NONE);

        assertThat(r.history()).hasSize(2);
        for (EpochResult e : r.history()) {
            assertThat(e.trainLoss()).as("epoch %d loss", e.epoch()).isFinite();
        }
        assertThat(r.history().get(1).trainLoss()).as("the loss falls").isLessThan(r.history().get(0).trainLoss());
    }
}
