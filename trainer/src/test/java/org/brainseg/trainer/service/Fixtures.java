package org.brainseg.trainer.service;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.brainseg.imaging.synthetic.CohortConfig;
import org.brainseg.imaging.synthetic.CohortGenerator;
import org.brainseg.service.config.HttpSection;
import org.brainseg.service.config.KafkaSection;

/**
 * Real data and small training settings for the trainer's tests: a synthetic cohort at 3 mm and a
 * tiny U-Net (depth 2, width 4, 32^3 patches). A "good" run (3 epochs of 25 steps) reaches a WT
 * Dice around 0.7 on the held-out case; a "crippled" one takes a single step at a learning rate
 * near zero, so it stays at its random initialisation (mean Dice ~0.04) and must lose the gate.
 */
final class Fixtures {
    static final double SPACING_MM = 3.0;

    private Fixtures() {}

    static Path cohort(Path dir, int cases, long seed) throws Exception {
        new CohortGenerator(CohortConfig.of(cases, seed).withSpacing(SPACING_MM)).generate(dir, r -> {});
        return dir;
    }

    static TrainerConfig.Training good() {
        return training(25, 0.01);
    }

    static TrainerConfig.Training crippled() {
        return training(1, 1e-7);
    }

    static TrainerConfig.Training training(int stepsPerEpoch, double lr) {
        return new TrainerConfig.Training(SPACING_MM, 32, 2, 4, 2, stepsPerEpoch, lr, 1, "layer", 1, "cpu", 1);
    }

    static TrainerConfig config(String bootstrap, Path registryRoot, TrainerConfig.Training training, String txId) {
        return new TrainerConfig(
                new KafkaSection(bootstrap, "trainer-it", txId, 60_000, Map.of()),
                new TrainerConfig.Registry(registryRoot, "brainseg", 5),
                new TrainerConfig.Gate(0.01),
                new TrainerConfig.HoldOut(0.25, 0),
                training,
                new TrainerConfig.AutoRetrain(0, null),
                new TrainerConfig.Data(List.of()),
                new HttpSection("127.0.0.1", 0));
    }
}
