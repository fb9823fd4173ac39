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
 * The training a fresh machine's {@code ./brainseg demo --quick} runs first, on the procedural
 * phantom anatomy (what a machine without Debian's mricron-data gets): the demo's own training
 * settings (width 8, the shape whose gradients oneDNN got wrong on AMD Zen 5) must give a finite,
 * falling loss. Two of the quick demo's five epochs, to keep the test short; the NaN came at step 2.
 */
class QuickDemoTrainingTest {
    @TempDir
    Path tmp;

    @Test
    void shouldTrainTheQuickDemosModelOnThePhantomWithAFiniteFallingLoss() throws Exception {
        // the --quick budget, from the one place it lives
        DemoOptions quick = DemoOptions.quick(tmp.resolve("work"), tmp.resolve("cache")).anyPorts().build();
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
