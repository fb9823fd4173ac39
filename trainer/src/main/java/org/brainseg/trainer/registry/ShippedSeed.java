package org.brainseg.trainer.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.brainseg.model.artifact.ModelArtifact;
import org.brainseg.model.artifact.ModelManifest;
import org.brainseg.model.artifact.ShippedModel;
import org.brainseg.schemas.RegionValues;
import org.brainseg.trainer.evaluation.Evaluation;
import org.brainseg.trainer.registry.ModelRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seeds an empty registry with the shipped default model ({@link ShippedModel}, models/default)
 * as version 1, so that a fresh deployment (and the demo) serves a working model before anything
 * is trained. Its record says where it came from; its held-out figures are those in its
 * model.json (the checkpoint's validation during its training, see its MODEL_CARD.md). The
 * trainer does this only when the registry and brainseg.models are both empty, and only with
 * {@code registry.seedShippedModel: true} (the default).
 */
public final class ShippedSeed {
    /** The request id recorded for the seeded version. */
    public static final String REQUEST_ID = "shipped-default-model";
    private static final Logger LOG = LoggerFactory.getLogger(ShippedSeed.class);

    private ShippedSeed() {}

    /** A seeded version. */
    public record Seeded(int version, Path directory, ModelManifest manifest, VersionRecord record) {}

    /**
     * Copies the shipped model into the registry as the first version of {@code name}, unless the
     * registry already holds a version of it or this build has no shipped model.
     */
    public static Optional<Seeded> seedIfEmpty(ModelRegistry registry, String name, Clock clock) throws IOException {
        if (!registry.versions(name).isEmpty() || !ShippedModel.available()) {
            return Optional.empty();
        }
        Path shipped = ShippedModel.directory();
        ModelManifest m = ModelArtifact.readManifest(shipped);
        Path work = registry.newWorkDirectory(name);
        try {
            ModelArtifact.copy(shipped, work);
            Files.copy(shipped.resolve(ShippedModel.CARD_FILE), work.resolve(ShippedModel.CARD_FILE));
            VersionRecord record = record(m, shipped, clock);
            record.write(work);
            int version = registry.publish(name, work);
            Path dir = registry.path(name, version);
            LOG.info("registry was empty: seeded {} version {} with the shipped default model ({}, held-out mean Dice {})",
                    name, version, m.architecture().normalization().wire(), String.format(java.util.Locale.ROOT, "%.3f",
                            record.candidate().meanDice()));
            return Optional.of(new Seeded(version, dir, ModelArtifact.readManifest(dir), record));
        } finally {
            ModelRegistry.delete(work);
        }
    }

    /**
     * The shipped model for a catalog that names no version yet: seeded now into an empty registry,
     * or found in the registry when an earlier start seeded it but stopped before announcing it.
     */
    public static Optional<Seeded> seedOrFind(ModelRegistry registry, String name, Clock clock) throws IOException {
        Optional<Seeded> now = seedIfEmpty(registry, name, clock);
        if (now.isPresent()) {
            return now;
        }
        for (int v : registry.versions(name)) {
            Path dir = registry.path(name, v);
            Optional<VersionRecord> r = VersionRecord.read(dir);
            if (r.isPresent() && REQUEST_ID.equals(r.get().requestId())) {
                LOG.info("{} version {} is the shipped model, seeded but never announced; announcing it", name, v);
                return Optional.of(new Seeded(v, dir, ModelArtifact.readManifest(dir), r.get()));
            }
        }
        return Optional.empty();
    }

    static VersionRecord record(ModelManifest m, Path shipped, Clock clock) {
        RegionValues dice = RegionValues.fromKeys(RegionValues.KEYS.stream()
                .collect(Collectors.toMap(k -> k, k -> m.metrics().getOrDefault("dice_" + k, 0.0))));
        Object val = m.training().get("validationCases");
        List<String> cases = val instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
        Evaluation eval = new Evaluation(m.metrics().getOrDefault("val_loss", 0.0), dice, cases);
        return new VersionRecord(REQUEST_ID, "the shipped default model (models/default; synthetic training data, "
                + "not for clinical use)", shipped.toUri(), m.architecture().normalization().wire(), number(m, "epochs"),
                number(m, "seed"), "force", "synthetic cohort (models/default/MODEL_CARD.md), training data sha256 "
                + m.trainingDataHash(), eval, null, null, 0, clock.instant().toString());
    }

    private static int number(ModelManifest m, String key) {
        return m.training().get(key) instanceof Number n ? Math.max(1, n.intValue()) : 1;
    }
}
