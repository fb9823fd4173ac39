package org.brainseg.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.brainseg.client.consume.EventReader;
import org.brainseg.client.topics.TopicsInitializer;
import org.brainseg.kafka.embedded.EmbeddedKafka;
import org.brainseg.kafka.embedded.EmbeddedKafkaExtension;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.ModelStatus;
import org.brainseg.schemas.ModelVersionPublished;
import org.brainseg.schemas.Normalization;
import org.brainseg.schemas.Promotion;
import org.brainseg.schemas.Topics;
import org.brainseg.schemas.TrainingRequested;
import org.brainseg.trainer.registry.ModelRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.brainseg.trainer.registry.VersionRecord;

/**
 * A trainer process (its own JVM, started from a YAML file as a deployment would) is killed with
 * SIGKILL after its first epoch, with a checkpoint on disk, then restarted with the same
 * transactional id. The registry must never show a version of the interrupted run, the restart
 * must clear its scratch directory and train the request again, and a read_committed reader must
 * see exactly one outcome for the request, whose offset is then committed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class TrainerKillIT {
    Path tmp;
    @RegisterExtension
    static final EmbeddedKafkaExtension BROKER = EmbeddedKafkaExtension.withTopics(TopicsInitializer.newTopics(3, (short) 1));

    EmbeddedKafka kafka;
    final EventCodec codec = new EventCodec();
    final List<Process> started = new ArrayList<>();

    @BeforeAll
    void setUp(@TempDir Path dir) throws Exception {
        tmp = dir;
        kafka = BROKER.kafka();
        Fixtures.cohort(tmp.resolve("data"), 4, 9);
    }

    @AfterAll
    void tearDown() {
        started.forEach(Process::destroyForcibly);
    }

    @Test
    void shouldLeaveNoPartialVersionAndPublishOneOutcomeWhenKilledMidTraining() throws Exception {
        Path config = writeConfig();
        Path registry = tmp.resolve("registry");
        TrainingRequested req = new TrainingRequested(UUID.randomUUID(), "kill-1", "kill test", tmp.resolve("data").toUri(),
                Normalization.LAYER, 2, 3, Promotion.AUTO);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(kafka.clientProperties(Map.of()), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(Topics.TRAINING_REQUESTS, "kill-1".getBytes(StandardCharsets.UTF_8), codec.encode(req))).get();
        }

        Path log1 = tmp.resolve("trainer-1.log");
        Process first = startTrainer(config, log1);
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(50)).until(() -> {
            assertThat(first.isAlive()).as("first trainer exited early: %s", tail(log1)).isTrue();
            return Files.readString(log1).contains("request kill-1: epoch 1/2");
        });
        first.destroyForcibly(); // SIGKILL: no shutdown hook, no abort
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(tail(log1)).doesNotContain("request kill-1: epoch 2/2");
        ModelRegistry models = new ModelRegistry(registry);
        assertThat(models.versions("brainseg")).as("no version of the interrupted run").isEmpty();
        assertThat(hidden(registry)).as("the interrupted run's scratch directory, with its checkpoint").isNotEmpty();
        assertThat(modelEvents()).isEmpty();

        Path log2 = tmp.resolve("trainer-2.log");
        Process second = startTrainer(config, log2);
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500)).until(() -> {
            assertThat(second.isAlive()).as("restarted trainer exited: %s", tail(log2)).isTrue();
            return !modelEvents().isEmpty();
        });
        second.destroy(); // SIGTERM: graceful
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();

        List<ModelVersionPublished> events = modelEvents();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).version()).isEqualTo(1);
        assertThat(events.get(0).status()).isEqualTo(ModelStatus.ACTIVE);
        assertThat(models.versions("brainseg")).containsExactly(1);
        assertThat(VersionRecord.read(registry.resolve("brainseg/1")).orElseThrow().requestId()).isEqualTo("kill-1");
        assertThat(hidden(registry)).as("scratch directories cleaned at start and after publishing").isEmpty();
        assertThat(Files.readString(log2)).contains("removed 1 temporary directory");
        try (Admin admin = kafka.createAdmin()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets("kill-it").partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            assertThat(offsets.get(new TopicPartition(Topics.TRAINING_REQUESTS, 0)).offset()).isEqualTo(1);
        }
    }

    private static List<String> hidden(Path registry) throws IOException {
        Path d = registry.resolve("brainseg");
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
        }
    }

    private Path writeConfig() throws IOException {
        String yaml = String.join("\n",
                "kafka:",
                "  bootstrapServers: " + kafka.bootstrapServers(),
                "  groupId: kill-it",
                "  transactionalId: kill-it-trainer",
                "  maxPollIntervalMs: 60000",
                "registry:",
                "  root: " + tmp.resolve("registry"),
                "  seedShippedModel: false",
                "holdOut:",
                "  fraction: 0.25",
                "training:",
                "  spacingMm: 3",
                "  patch: 32",
                "  depth: 2",
                "  baseWidth: 4",
                "  batch: 1",
                "  stepsPerEpoch: 15",
                "  learningRate: 0.001",
                "  device: cpu",
                "  threads: 1",
                "http:",
                "  port: 0",
                "");
        return Files.writeString(tmp.resolve("trainer.yaml"), yaml);
    }

    private Process startTrainer(Path config, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true",
                TrainerMain.class.getName(), config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        started.add(p);
        return p;
    }

    private List<ModelVersionPublished> modelEvents() throws Exception {
        return EventReader.readAll(kafka.bootstrapServers(), Map.of(), Topics.MODELS, ModelVersionPublished.class,
                Duration.ofSeconds(30));
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
