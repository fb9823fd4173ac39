package org.brainseg.trainer.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.brainseg.model.artifact.ModelArtifact;
import org.brainseg.model.artifact.ModelManifest;
import org.brainseg.model.artifact.ShippedModel;
import org.brainseg.trainer.registry.ModelRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An empty registry gets the shipped model as version 1 with an honest record; a non-empty one is left alone. */
class ShippedSeedTest {
    @TempDir
    Path tmp;

    @Test
    void shouldSeedAnEmptyRegistryOnceWithTheShippedModel() throws Exception {
        ModelRegistry registry = new ModelRegistry(tmp.resolve("registry"));
        Optional<ShippedSeed.Seeded> s = ShippedSeed.seedIfEmpty(registry, "brainseg", Clock.systemUTC());
        assertThat(s).isPresent();
        ShippedSeed.Seeded v = s.get();
        assertThat(v.version()).isEqualTo(1);
        assertThat(v.directory()).isEqualTo(registry.path("brainseg", 1));
        assertThat(v.directory().resolve(ShippedModel.CARD_FILE)).isRegularFile();
        ModelManifest shipped = ModelArtifact.readManifest(ShippedModel.directory());
        assertThat(v.manifest().paramsSha256()).isEqualTo(shipped.paramsSha256());
        assertThat(v.record().requestId()).isEqualTo(ShippedSeed.REQUEST_ID);
        assertThat(v.record().reason()).contains("not for clinical use");
        assertThat(v.record().candidate().dice().wt()).isEqualTo(shipped.metrics().get("dice_WT"));
        assertThat(v.record().candidate().cases()).isNotEmpty();
        assertThat(VersionRecord.read(v.directory())).contains(v.record());

        assertThat(ShippedSeed.seedIfEmpty(registry, "brainseg", Clock.systemUTC())).isEmpty();
        assertThat(registry.versions("brainseg")).containsExactly(1);
        // seeded but never announced (stopped in between): found again, not seeded twice
        Optional<ShippedSeed.Seeded> found = ShippedSeed.seedOrFind(registry, "brainseg", Clock.systemUTC());
        assertThat(found).isPresent();
        assertThat(found.get().version()).isEqualTo(1);
        assertThat(found.get().record()).isEqualTo(v.record());
        assertThat(registry.versions("brainseg")).containsExactly(1);
        // another model name is another registry entry: seeded on its own
        assertThat(ShippedSeed.seedIfEmpty(registry, "other", Clock.systemUTC())).isPresent();
    }

    @Test
    void shouldNotTakeATrainedVersionForTheShippedModel() throws Exception {
        ModelRegistry registry = new ModelRegistry(tmp.resolve("trained"));
        Path work = registry.newWorkDirectory("brainseg");
        ModelArtifact.copy(ShippedModel.directory(), work);
        registry.publish("brainseg", work); // a version without the shipped record, e.g. a trained one
        ModelRegistry.delete(work);
        assertThat(ShippedSeed.seedOrFind(registry, "brainseg", Clock.systemUTC())).isEmpty();
        assertThat(registry.versions("brainseg")).containsExactly(1);
    }
}
