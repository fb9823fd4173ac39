package org.brainseg.cli.demo;

import java.nio.file.Path;
import java.util.List;
import org.brainseg.model.artifact.ModelArtifact;
import org.brainseg.model.artifact.ModelArtifactException;
import org.brainseg.model.artifact.ShippedModel;
import org.brainseg.service.config.HttpSection;
import org.brainseg.service.config.KafkaSection;
import org.brainseg.trainer.config.TrainerConfig;
import org.brainseg.worker.config.WorkerConfig;

/**
 * The demo's trainer and worker configurations: what deploy/trainer.example.yaml and
 * deploy/worker.example.yaml would say for one machine, sized for a CPU run of minutes.
 */
final class DemoConfigs {
    private DemoConfigs() {}

    static TrainerConfig trainer(DemoOptions o, String bootstrap, Path registryRoot, List<Path> dataRoots) {
        return new TrainerConfig(
                new KafkaSection(bootstrap, "brainseg-trainer", "brainseg-demo-trainer", 600_000, o.kafkaProperties()),
                new TrainerConfig.Registry(registryRoot, DemoRunner.MODEL, 5),
                new TrainerConfig.Gate(0.01),
                new TrainerConfig.HoldOut(0.25, 7),
                training(o),
                new TrainerConfig.AutoRetrain(0, null),
                new TrainerConfig.Data(dataRoots),
                new HttpSection("127.0.0.1", o.trainerPort()));
    }

    /**
     * The demo's training settings: {@value #TRAINING_SPACING_MM} mm, patch 48, depth 3 and the shipped
     * model's width (so that the retrain can fine-tune it), batch 2, learning rate 3e-3 (a tenth of it
     * when fine-tuning, see RequestHandler).
     */
    static TrainerConfig.Training training(DemoOptions o) {
        return new TrainerConfig.Training(TRAINING_SPACING_MM, 48, 3, shippedWidth(), 2, o.stepsPerEpoch(), 3e-3, o.epochs(), "layer",
                1, "cpu", 0);
    }

    /** The shipped model's base width; {@value #FALLBACK_WIDTH} when the build ships none. */
    static int shippedWidth() {
        try {
            return ShippedModel.available() ? ModelArtifact.readManifest(ShippedModel.directory()).architecture().baseWidth()
                    : FALLBACK_WIDTH;
        } catch (ModelArtifactException e) {
            return FALLBACK_WIDTH;
        }
    }

    static final int FALLBACK_WIDTH = 8;

    /** Spacing the demo trains at, whatever the cohort's voxel size: the shipped model's. */
    static final double TRAINING_SPACING_MM = 2.0;

    static WorkerConfig worker(DemoOptions o, String bootstrap, List<Path> inputRoots, Path masks, Path registryRoot) {
        return new WorkerConfig(
                new KafkaSection(bootstrap, "brainseg-workers", "brainseg-demo-worker", 600_000, o.kafkaProperties()),
                new WorkerConfig.Store(inputRoots, masks),
                new WorkerConfig.Model(DemoRunner.MODEL, null, registryRoot, "cpu"),
                new WorkerConfig.Inference(1, 2, false, 0, true, 0.8), // with the quality estimate, as deployments run
                new HttpSection("127.0.0.1", o.workerPort()),
                new WorkerConfig.Retry(3, 200, 2000));
    }
}
