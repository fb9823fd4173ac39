package org.brainseg.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.brainseg.cli.command.CliTest.Run;
import org.brainseg.imaging.dataset.DatasetScanner;
import org.brainseg.kafka.embedded.EmbeddedKafka;
import org.brainseg.kafka.embedded.EmbeddedKafkaExtension;
import org.brainseg.model.TinyModels;
import org.brainseg.schemas.Topics;
import org.brainseg.service.config.HttpSection;
import org.brainseg.service.config.KafkaSection;
import org.brainseg.worker.Worker;
import org.brainseg.worker.config.WorkerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming commands end to end on the embedded broker, as a user would chain them:
 * {@code generate}, {@code submit --create-topics}, an in-process worker, {@code consume}
 * of the results; and {@code watch --once} publishing a drop folder exactly once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class CliStreamIT {
    static final double SPACING_MM = 3.0;

    Path tmp;
    @RegisterExtension
    static final EmbeddedKafkaExtension BROKER = EmbeddedKafkaExtension.withTopics(List.of());

    EmbeddedKafka kafka;
    Worker worker;

    @BeforeAll
    void setUp(@TempDir Path dir) throws Exception {
        tmp = dir;
        kafka = BROKER.kafka();
        Run gen = CliTest.run("generate", "--out", tmp.resolve("data").toString(), "--cases", "20", "--spacing", "3", "--seed", "5");
        assertThat(gen.code()).as(gen.err()).isZero();
        Path model = TinyModels.train(DatasetScanner.scan(tmp.resolve("data")).cases(), tmp.resolve("models"), 1, 4, SPACING_MM);
        Files.createDirectories(tmp.resolve("masks"));
        WorkerConfig config = new WorkerConfig(
                new KafkaSection(kafka.bootstrapServers(), "cli-it", "cli-it-worker", 60_000, Map.of()),
                // only data/: drop-folder scans are refused as poison, so brainseg.segmentations holds
                // exactly the warm-up scan and the submitted ones, whichever test runs first
                new WorkerConfig.Store(List.of(tmp.resolve("data")), tmp.resolve("masks")),
                new WorkerConfig.Model(model, "cpu"),
                new WorkerConfig.Inference(1, 2, false, 1),
                new HttpSection("127.0.0.1", 0),
                new WorkerConfig.Retry(3, 20, 200));
        // topics first (as `submit --create-topics` would), so that the worker's group sees every partition
        Run create = CliTest.run("submit", "--data", tmp.resolve("data").resolve("BraTS20_Synth_001").toString(),
                "--bootstrap", kafka.bootstrapServers(), "--create-topics", "--partitions", "3", "--prefix", "warmup-");
        assertThat(create.code()).as(create.err()).isZero();
        worker = Worker.start(config, t -> {});
    }

    @AfterAll
    void tearDown() throws Exception {
        if (worker != null) {
            worker.close();
        }
    }

    @Test
    void shouldSubmitADatasetAndConsumeOneSegmentationPerScan() throws Exception {
        Run submit = CliTest.run("submit", "--data", tmp.resolve("data").toString(), "--bootstrap", kafka.bootstrapServers(),
                "--prefix", "e2e-");
        assertThat(submit.code()).as(submit.err()).isZero();
        assertThat(submit.out()).contains("submitted 20 scans to brainseg.scans.arrived").contains("20 with ground truth")
                .contains("e2e-BraTS20_Synth_020");

        // 21 results in all: the warm-up scan's and the 20 submitted here
        Run consume = CliTest.run("consume", "--topic", Topics.SEGMENTATIONS, "--bootstrap", kafka.bootstrapServers(),
                "--from-beginning", "--max", "21", "--timeout", "120");
        assertThat(consume.code()).as(consume.err()).isZero();
        List<JsonNode> events = jsonLines(consume.out());
        assertThat(events).hasSize(21);
        Set<String> ids = new HashSet<>();
        for (JsonNode e : events) {
            assertThat(e.get("schemaVersion").asInt()).isEqualTo(org.brainseg.schemas.Event.SCHEMA_VERSION);
            assertThat(e.get("maskUri").asText()).startsWith("file:");
            ids.add(e.get("scanId").asText());
        }
        assertThat(ids).hasSize(21).contains("e2e-BraTS20_Synth_001", "e2e-BraTS20_Synth_020");
    }

    @Test
    void shouldPublishADropFolderOnceAcrossRuns() throws Exception {
        Path drop = Files.createDirectories(tmp.resolve("drop"));
        for (String id : List.of("BraTS20_Synth_003", "BraTS20_Synth_004")) {
            copyFolder(tmp.resolve("data").resolve(id), drop.resolve(id));
        }
        Files.createDirectories(drop.resolve("BraTS20_Synth_099")); // a folder whose files have not landed yet
        String[] args = {"watch", drop.toString(), "--once", "--settle-seconds", "0", "--prefix", "drop-",
            "--bootstrap", kafka.bootstrapServers()};
        Run first = CliTest.run(args);
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("published BraTS20_Synth_003 as drop-BraTS20_Synth_003")
                .contains("published 2, settling 0, incomplete 1, failed 0");
        Run again = CliTest.run(args);
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("published 0, settling 0, incomplete 1, failed 0");

        Run consume = CliTest.run("consume", "--topic", Topics.SCANS_ARRIVED, "--bootstrap", kafka.bootstrapServers(),
                "--from-beginning", "--timeout", "5");
        assertThat(consume.code()).as(consume.err()).isZero();
        assertThat(jsonLines(consume.out()).stream().map(e -> e.get("scanId").asText()).filter(id -> id.startsWith("drop-")))
                .containsExactlyInAnyOrder("drop-BraTS20_Synth_003", "drop-BraTS20_Synth_004");
    }

    private static List<JsonNode> jsonLines(String out) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : out.lines().filter(l -> !l.isBlank()).toList()) {
            nodes.add(json.readTree(line));
        }
        return nodes;
    }

    private static void copyFolder(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName().toString().replace(from.getFileName().toString(),
                        to.getFileName().toString())));
            }
        }
    }
}
