package org.brainseg.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.brainseg.client.consume.EventReader;
import org.brainseg.client.topics.TopicsInitializer;
import org.brainseg.kafka.embedded.EmbeddedKafkaExtension;
import org.brainseg.model.artifact.ModelArtifact;
import org.brainseg.model.artifact.ModelManifest;
import org.brainseg.model.artifact.ShippedModel;
import org.brainseg.schemas.ModelStatus;
import org.brainseg.schemas.ModelVersionPublished;
import org.brainseg.schemas.Topics;
import org.brainseg.trainer.registry.ModelRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.brainseg.trainer.config.TrainerConfig;
import org.brainseg.trainer.registry.ShippedSeed;
import org.brainseg.trainer.registry.VersionRecord;

/**
 * A fresh deployment on the embedded broker: with {@code registry.seedShippedModel} the trainer
 * publishes the shipped model as version 1, active, before any request; a restart publishes
 * nothing more. A class (and so a broker) of its own: brainseg.models must start empty.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ShippedSeedIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension BROKER = EmbeddedKafkaExtension.withTopics(TopicsInitializer.newTopics(3, (short) 1));

    @Test
    void shouldServeTheShippedModelAtOnceOnAFreshDeploymentAndOnlyThen(@TempDir Path tmp) throws Exception {
        TrainerConfig base = Fixtures.config(BROKER.bootstrapServers(), tmp.resolve("registry"), Fixtures.crippled(), "shipped-it");
        TrainerConfig.Registry r = base.registry();
        TrainerConfig config = new TrainerConfig(base.kafka(), new TrainerConfig.Registry(r.root(), r.modelName(),
                r.keepLatest(), true), base.promotion(), base.holdOut(), base.training(), base.autoRetrain(), base.data(),
                base.http());
        try (TrainerService s = TrainerService.start(config, t -> {})) {
            await().atMost(Duration.ofMinutes(1)).until(() -> s.status().activeVersion() == 1);
        }
        List<ModelVersionPublished> events = modelEvents();
        assertThat(events).hasSize(1);
        ModelVersionPublished v1 = events.get(0);
        assertThat(v1.version()).isEqualTo(1);
        assertThat(v1.status()).isEqualTo(ModelStatus.ACTIVE);
        ModelManifest shipped = ModelArtifact.readManifest(ShippedModel.directory());
        assertThat(v1.sha256()).isEqualTo(shipped.paramsSha256());
        assertThat(v1.trainedOn()).contains("synthetic cohort");
        Path dir = Path.of(v1.artifactUri());
        assertThat(dir).isEqualTo(r.root().resolve("brainseg/1").toAbsolutePath());
        assertThat(VersionRecord.read(dir).orElseThrow().requestId()).isEqualTo(ShippedSeed.REQUEST_ID);

        // a restart finds a catalog that is not empty: nothing is seeded or published again
        try (TrainerService s = TrainerService.start(config, t -> {})) {
            await().atMost(Duration.ofMinutes(1)).until(() -> s.status().activeVersion() == 1);
        }
        assertThat(modelEvents()).hasSize(1);
        assertThat(new ModelRegistry(r.root()).versions("brainseg")).containsExactly(1);
    }

    private static List<ModelVersionPublished> modelEvents() throws Exception {
        return EventReader.readAll(BROKER.bootstrapServers(), Map.of(), Topics.MODELS, ModelVersionPublished.class,
                Duration.ofSeconds(30));
    }
}
