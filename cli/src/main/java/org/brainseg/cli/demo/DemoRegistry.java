package org.brainseg.cli.demo;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.brainseg.model.artifact.ModelArtifact;
import org.brainseg.model.artifact.ModelArtifactException;
import org.brainseg.model.artifact.ModelManifest;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.ModelStatus;
import org.brainseg.schemas.ModelVersionPublished;
import org.brainseg.schemas.Topics;
import org.brainseg.service.kafka.KafkaClients;
import org.brainseg.trainer.registry.ModelRegistry;
import org.brainseg.trainer.service.ModelEvents;
import org.brainseg.trainer.registry.VersionRecord;

/** The demo's use of a registry left by an earlier run: its newest complete version, published as active. */
final class DemoRegistry {
    private DemoRegistry() {}

    /** The newest complete version in the registry as an active-version event, if there is one. */
    static Optional<ModelVersionPublished> newestVersion(Path registryRoot) throws Exception {
        ModelRegistry registry = new ModelRegistry(registryRoot);
        List<Integer> versions = new ArrayList<>(registry.versions(DemoRunner.MODEL));
        Collections.reverse(versions);
        for (int v : versions) {
            Path dir = registry.path(DemoRunner.MODEL, v);
            Optional<VersionRecord> rec = VersionRecord.read(dir);
            if (rec.isEmpty()) {
                continue;
            }
            try {
                ModelManifest m = ModelArtifact.readManifest(dir);
                return Optional.of(ModelEvents.version(DemoRunner.MODEL, v, dir.toAbsolutePath().toUri(), m, rec.get(), ModelStatus.ACTIVE,
                        null, Instant.now()));
            } catch (ModelArtifactException e) {
                // not loadable: try an older one
            }
        }
        return Optional.empty();
    }

    /** Publishes a version event on brainseg.models (idempotent producer, acknowledged by all replicas). */
    static void publish(String bootstrap, Map<String, String> kafkaProperties, ModelVersionPublished e) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.boundedProducer(bootstrap, kafkaProperties,
                Duration.ofSeconds(30), "brainseg-demo")) {
            producer.send(new ProducerRecord<>(Topics.MODELS, Topics.key(e).getBytes(StandardCharsets.UTF_8), new EventCodec().encode(e)))
                    .get(30, TimeUnit.SECONDS);
        }
    }
}
