package org.brainseg.trainer.service;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.brainseg.synthetic.CohortConfig;
import org.brainseg.synthetic.CohortGenerator;
import org.brainseg.model.artifact.ModelArtifact;
import org.brainseg.model.artifact.ModelManifest;
import org.brainseg.model.artifact.ShippedModel;
import org.brainseg.model.net.UNetConfig;
import org.brainseg.service.config.HttpSection;
import org.brainseg.service.config.KafkaSection;
import org.brainseg.trainer.config.TrainerConfig;

/**
 * Real data and small training settings for the trainer's tests: a synthetic cohort at 3 mm and a
 * tiny U-Net (depth 2, width 4, 32^3 patches). A "crippled" run takes a single step at a learning
 * rate near zero, so it stays at its random initialisation (mean Dice ~0.04) and must lose the gate.
 *
 * <p>No test here needs a short training from scratch to succeed: whether a tiny LN net leaves the
 * all-background state within a few dozen steps depends on the anatomy installed (ch2bet or the
 * phantom), the seed and the CPU (issue 24: 0.24 with ch2bet, 0.00 on the phantom for one seed). A
 * version that must be good is the shipped model, fine-tuned ({@link #fineTune}): fixed weights
 * that segment both anatomies.
 */
final class Fixtures {
    static final double SPACING_MM = 3.0;

    private Fixtures() {}

    static Path cohort(Path dir, int cases, long seed) throws Exception {
        new CohortGenerator(CohortConfig.of(cases, seed).withSpacing(SPACING_MM)).generate(dir, r -> {});
        return dir;
    }

    /**
     * Fine-tuning settings in the shipped model's architecture, spacing and patch (read from its
     * manifest, so they follow the shipped model; the patch is also the inference window, and a
     * smaller window alone costs the shipped model ~0.15 mean Dice): a few steps at a learning rate so small that the weights
     * barely move, so the candidate keeps the shipped model's quality on any machine.
     */
    static TrainerConfig.Training fineTune() throws Exception {
        ModelManifest shipped = ModelArtifact.readManifest(ShippedModel.directory());
        UNetConfig a = shipped.architecture();
        double spacing = shipped.preprocessing().targetSpacing()[0];
        return new TrainerConfig.Training(spacing, shipped.patchSize(), a.depth(), a.baseWidth(), 2, 3, 1e-5, 1,
                a.normalization().wire(), 1, "cpu", 1);
    }

    static TrainerConfig.Training crippled() {
        return training(1, 1e-7);
    }

    static TrainerConfig.Training training(int stepsPerEpoch, double lr) {
        return new TrainerConfig.Training(SPACING_MM, 32, 2, 4, 2, stepsPerEpoch, lr, 1, "layer", 1, "cpu", 1);
    }

    static TrainerConfig config(String bootstrap, Path registryRoot, TrainerConfig.Training training, String txId) {
        return config(bootstrap, new TrainerConfig.Registry(registryRoot, "brainseg", 5), training, txId);
    }

    /** As above, with a registry that the shipped model seeds as version 1 when it starts empty. */
    static TrainerConfig seededConfig(String bootstrap, Path registryRoot, TrainerConfig.Training training, String txId) {
        return config(bootstrap, new TrainerConfig.Registry(registryRoot, "brainseg", 5, true), training, txId);
    }

    private static TrainerConfig config(String bootstrap, TrainerConfig.Registry registry, TrainerConfig.Training training,
            String txId) {
        return new TrainerConfig(
                new KafkaSection(bootstrap, "trainer-it", txId, 60_000, Map.of()),
                registry,
                new TrainerConfig.Gate(0.01),
                new TrainerConfig.HoldOut(0.25, 0),
                training,
                new TrainerConfig.AutoRetrain(0, null),
                new TrainerConfig.Data(List.of()),
                new HttpSection("127.0.0.1", 0));
    }
}
