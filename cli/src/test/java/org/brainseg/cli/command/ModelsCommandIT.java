package org.brainseg.cli.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.brainseg.cli.command.CliTest.Run;
import org.brainseg.client.consume.EventReader;
import org.brainseg.client.topics.TopicsInitializer;
import org.brainseg.imaging.dataset.DatasetLayout;
import org.brainseg.imaging.dataset.TinyDatasets;
import org.brainseg.kafka.embedded.EmbeddedKafka;
import org.brainseg.kafka.embedded.EmbeddedKafkaExtension;
import org.brainseg.model.bundle.TestBundles;
import org.brainseg.model.net.TorchReference;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.ModelRef;
import org.brainseg.schemas.ModelStatus;
import org.brainseg.schemas.ModelVersionPublished;
import org.brainseg.schemas.Normalization;
import org.brainseg.schemas.Promotion;
import org.brainseg.schemas.RegionValues;
import org.brainseg.schemas.Topics;
import org.brainseg.schemas.TrainingRequested;
import org.brainseg.synthetic.CohortConfig;
import org.brainseg.synthetic.CohortGenerator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code brainseg models list|promote|rollback} and {@code brainseg retrain} on the embedded broker:
 * the table, each change published as one transaction (new active, old retired) and read back with
 * read_committed, and exit 2 with a clear line for an unknown version, a version no longer in the
 * registry, nothing to roll back to, and bad retrain input.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ModelsCommandIT {
    Path tmp;
    @RegisterExtension
    static final EmbeddedKafkaExtension BROKER = EmbeddedKafkaExtension.withTopics(TopicsInitializer.newTopics(3, (short) 1));

    EmbeddedKafka kafka;
    final EventCodec codec = new EventCodec();

    @BeforeAll
    void setUp(@TempDir Path dir) throws Exception {
        tmp = dir;
        kafka = BROKER.kafka();
        // the history a trainer would have left: v1 active, then v2 promoted over it, then v3 rejected
        publish(event("brainseg", 1, ModelStatus.ACTIVE, 0.5));
        publish(event("brainseg", 2, ModelStatus.ACTIVE, 0.7), event("brainseg", 1, ModelStatus.RETIRED, 0.5));
        publish(event("brainseg", 3, ModelStatus.REJECTED, 0.2));
        publish(event("solo", 1, ModelStatus.ACTIVE, 0.4));
    }


    private Run models(String... args) {
        List<String> a = new ArrayList<>(List.of("models"));
        a.addAll(List.of(args));
        a.addAll(List.of("--bootstrap", kafka.bootstrapServers(), "--connect-timeout", "20"));
        return CliTest.run(a.toArray(String[]::new));
    }

    @Test
    void shouldListPromoteAndRollBackWithOneTransactionPerChange() throws Exception {
        Run list = models("list");
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out()).contains("VERSION").contains("MEAN_DICE").containsPattern("(?m)^1\\s+retired\\s+0\\.3000\\s+0\\.5000")
                .containsPattern("(?m)^2\\s+active").containsPattern("(?m)^3\\s+rejected").contains("active: version 2")
                .contains(tmp.resolve("brainseg/2").toUri().toString());

        int before = modelEvents().size();
        Run promote = models("promote", "3");
        assertThat(promote.code()).as(promote.err()).isZero();
        assertThat(promote.out()).contains("active version: 2 -> 3").contains("published version 3 active")
                .contains("published version 2 retired");
        List<ModelVersionPublished> after = modelEvents();
        assertThat(after.subList(before, after.size())).extracting(ModelVersionPublished::version, ModelVersionPublished::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(3, ModelStatus.ACTIVE),
                        org.assertj.core.groups.Tuple.tuple(2, ModelStatus.RETIRED));

        Run rollback = models("rollback");
        assertThat(rollback.code()).as(rollback.err()).isZero();
        assertThat(rollback.out()).contains("active version: 3 -> 2");
        assertThat(models("list").out()).contains("active: version 2").containsPattern("(?m)^3\\s+retired");

        Run unknown = models("promote", "99");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("version 99 of model brainseg is unknown").contains("[1, 2, 3]");
        Run already = models("promote", "2");
        assertThat(already.code()).isEqualTo(2);
        assertThat(already.err()).contains("already active");
        Run notNumber = models("promote", "two");
        assertThat(notNumber.code()).isEqualTo(2);
        assertThat(notNumber.err()).contains("VERSION must be a positive integer");

        // a pruned version cannot be activated, by promote or rollback
        Files.delete(tmp.resolve("brainseg/1/model.json"));
        Files.delete(tmp.resolve("brainseg/1"));
        Run pruned = models("promote", "1");
        assertThat(pruned.code()).isEqualTo(2);
        assertThat(pruned.err()).contains("version 1 is not in the registry any more");
        int count = modelEvents().size();
        assertThat(models("rollback", "--name", "brainseg").code()).isEqualTo(2); // target v1 is gone
        assertThat(modelEvents()).as("nothing published by refused changes").hasSize(count);

        Run nothing = models("rollback", "--name", "solo");
        assertThat(nothing.code()).isEqualTo(2);
        assertThat(nothing.err()).contains("nothing to roll back to");
        Run empty = models("list", "--name", "nobody");
        assertThat(empty.code()).isZero();
        assertThat(empty.out()).contains("no versions of model nobody");
    }

    @Test
    void shouldPublishATrainingRequestAndRefuseBadInput() throws Exception {
        Path data = TinyDatasets.brats(tmp.resolve("tiny"), DatasetLayout.BRATS2020, 2);
        Run ok = CliTest.run("retrain", "--dataset", data.toString(), "--epochs", "3", "--seed", "9", "--promotion", "never",
                "--normalization", "none", "--reason", "nightly", "--bootstrap", kafka.bootstrapServers());
        assertThat(ok.code()).as(ok.err()).isZero();
        String requestId = ok.out().strip().lines().reduce((a, b) -> b).orElseThrow();
        List<TrainingRequested> reqs = new ArrayList<>();
        try (EventReader r = new EventReader(kafka.bootstrapServers(), Map.of(), Topics.TRAINING_REQUESTS)) {
            for (ConsumerRecord<byte[], byte[]> rec : r.readAll(Duration.ofSeconds(30))) {
                reqs.add(codec.decode(rec.value(), TrainingRequested.class));
                assertThat(new String(rec.key(), StandardCharsets.UTF_8)).isEqualTo(requestId);
            }
        }
        assertThat(reqs).hasSize(1);
        TrainingRequested req = reqs.get(0);
        assertThat(req.requestId()).isEqualTo(requestId);
        assertThat(req.datasetUri()).isEqualTo(data.toAbsolutePath().normalize().toUri());
        assertThat(req.epochs()).isEqualTo(3);
        assertThat(req.seed()).isEqualTo(9);
        assertThat(req.promotion()).isEqualTo(Promotion.NEVER);
        assertThat(req.normalization()).isEqualTo(Normalization.NONE);
        assertThat(req.reason()).isEqualTo("nightly");

        Run missing = CliTest.run("retrain", "--dataset", tmp.resolve("nope").toString(), "--bootstrap", kafka.bootstrapServers());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("no such directory");
        Run policy = CliTest.run("retrain", "--dataset", data.toString(), "--promotion", "sometimes", "--bootstrap",
                kafka.bootstrapServers());
        assertThat(policy.code()).isEqualTo(2);
        assertThat(policy.err()).contains("unknown promotion 'sometimes'");
        Run epochs = CliTest.run("retrain", "--dataset", data.toString(), "--epochs", "0", "--bootstrap", kafka.bootstrapServers());
        assertThat(epochs.code()).isEqualTo(2);
        assertThat(epochs.err()).contains("epochs");
    }

    @Test
    void shouldImportABundleThroughTheGateAndAnnounceIt() throws Exception {
        assumeTrue(TorchReference.available(), "/usr/bin/python3 with torch is not installed (it traces the bundle)");
        Path bundle = TestBundles.make(tmp.resolve("bundles/test-bundle"));
        Path data = tmp.resolve("cohort");
        new CohortGenerator(CohortConfig.of(3, 5).withSpacing(5.0)).generate(data, r -> {});
        Path registry = tmp.resolve("registry");

        Run first = models("import", bundle.toString(), "--registry", registry.toString(), "--dataset", data.toString(),
                "--name", "zoo", "--threads", "1");
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("bundle test-bundle 0.1.0").contains("imported test-bundle 0.1.0 as version 1 of zoo")
                .contains("-> active");
        Path v1 = registry.resolve("zoo/1");
        assertThat(v1.resolve("import.json")).isRegularFile();
        assertThat(v1.resolve("quality.json")).as("calibrated on the held-out cases, sealed with the rest").isRegularFile();
        assertThat(org.brainseg.model.bundle.BundleImport.verify(v1).files()).containsKey("quality.json");
        assertThat(v1.resolve("models/model.ts")).hasSameBinaryContentAs(bundle.resolve("models/model.ts"));
        try (var s = Files.list(registry.resolve("zoo"))) {
            assertThat(s.map(p -> p.getFileName().toString())).as("no work directory left").containsExactly("1");
        }

        // the same bundle again, never promoted: a candidate beside the active import
        Run second = models("import", bundle.toString(), "--registry", registry.toString(), "--dataset", data.toString(),
                "--name", "zoo", "--promotion", "never", "--threads", "1");
        assertThat(second.code()).as(second.err()).isZero();
        assertThat(second.out()).contains("as version 2 of zoo").contains("-> candidate");

        List<ModelVersionPublished> zoo = modelEvents().stream().filter(e -> e.name().equals("zoo")).toList();
        assertThat(zoo).extracting(ModelVersionPublished::version, ModelVersionPublished::status)
                .containsExactly(tuple(1, ModelStatus.ACTIVE), tuple(2, ModelStatus.CANDIDATE));
        ModelVersionPublished e1 = zoo.get(0);
        assertThat(e1.source()).isEqualTo(new ModelRef(ModelRef.TORCHSCRIPT, "test-bundle", "0.1.0"));
        assertThat(e1.architecture().family()).isEqualTo(ModelVersionPublished.IMPORTED_FAMILY);
        assertThat(e1.architecture().patchSize()).containsExactly(32, 32, 16);
        assertThat(e1.sha256()).isEqualTo(org.brainseg.model.artifact.ModelArtifact.sha256(v1.resolve("models/model.ts")));
        assertThat(e1.validation().loss()).as("an imported network has no brainseg loss").isNull();
        assertThat(e1.validation().dice().wt()).isBetween(0.0, 1.0);
        assertThat(zoo.get(1).comparedWith().version()).isEqualTo(1);

        Run list = models("list", "--name", "zoo");
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out()).containsPattern("(?m)^1\\s+active\\s+-\\s+").contains("(imported: test-bundle 0.1.0)");
    }

    @Test
    void shouldRefuseAnImportThatCannotBeServedWithExit2AndPublishNothing() throws Exception {
        Path data = tmp.resolve("refusal-cohort");
        new CohortGenerator(CohortConfig.of(2, 6).withSpacing(6.0)).generate(data, r -> {});
        Path registry = tmp.resolve("refusal-registry");
        Path zip = tmp.resolve("hostile.zip");
        try (var z = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            z.putNextEntry(new java.util.zip.ZipEntry("../../escape.txt"));
            z.write("x".getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
        }
        Path bare = Files.createDirectories(tmp.resolve("bare"));
        Files.writeString(bare.resolve("model.ts"), "not torchscript");
        Path unstated = Files.createDirectories(tmp.resolve("unstated"));
        Files.writeString(unstated.resolve("model.ts"), "not torchscript");
        Files.writeString(unstated.resolve("brainseg-bundle.json"), "{\"channels\": [\"T1\", \"T1ce\", \"T2\", \"FLAIR\"]}");
        record Bad(List<String> args, String says) {}
        List<Bad> cases = List.of(
                new Bad(List.of(tmp.resolve("nowhere").toString()), "no such file or folder"),
                new Bad(List.of(zip.toString()), "escapes the bundle folder"),
                new Bad(List.of(bare.toString()), "brainseg-bundle.json"),
                new Bad(List.of(unstated.toString()), "not stated"),
                new Bad(List.of(bare.toString(), "--promotion", "maybe"), "--promotion"),
                new Bad(List.of(bare.toString(), "--tolerance", "-1"), "--tolerance"),
                new Bad(List.of(bare.toString(), "--hold-out-fraction", "1.5"), "--hold-out-fraction"),
                new Bad(List.of(bare.toString(), "--name", "../up"), "--name"));
        for (Bad b : cases) {
            List<String> args = new ArrayList<>(List.of("import"));
            args.addAll(b.args());
            args.addAll(List.of("--registry", registry.toString(), "--dataset", data.toString(), "--name", "refused"));
            if (b.args().contains("--name")) {
                args.subList(args.size() - 2, args.size()).clear();
            }
            Run r = models(args.toArray(String[]::new));
            assertThat(r.code()).as("%s: %s", b.args(), r.err()).isEqualTo(2);
            assertThat(r.err()).as("%s", b.args()).contains(b.says());
        }
        Run noData = models("import", bare.toString(), "--registry", registry.toString(), "--dataset",
                tmp.resolve("no-data").toString(), "--name", "refused");
        assertThat(noData.code()).isEqualTo(2);
        assertThat(noData.err()).contains("--dataset").contains("no such directory");
        assertThat(tmp.resolve("escape.txt")).doesNotExist();
        assertThat(modelEvents()).noneMatch(e -> e.name().equals("refused"));
        if (Files.isDirectory(registry.resolve("refused"))) {
            try (var s = Files.list(registry.resolve("refused"))) {
                assertThat(s).as("no version and no work directory left").isEmpty();
            }
        }
    }

    @Test
    void shouldRefuseARegistryThatIsNotTheModelsOwn() throws Exception {
        assumeTrue(TorchReference.available(), "/usr/bin/python3 with torch is not installed (it traces the bundle)");
        Path bundle = TestBundles.make(tmp.resolve("bundles/other-bundle"));
        Path data = tmp.resolve("mismatch-cohort");
        new CohortGenerator(CohortConfig.of(2, 7).withSpacing(6.0)).generate(data, r -> {});
        // "brainseg" has versions 1-3 on the topic; this registry has none of them
        Run r = models("import", bundle.toString(), "--registry", tmp.resolve("empty-registry").toString(), "--dataset",
                data.toString(), "--name", "brainseg", "--threads", "1");
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("brainseg.models announces up to 3").contains("not the registry");
    }

    private ModelVersionPublished event(String name, int version, ModelStatus status, double dice) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name).resolve(Integer.toString(version)));
        Files.writeString(dir.resolve("model.json"), "{}");
        return new ModelVersionPublished(UUID.randomUUID(), name, version, dir.toUri(), "a".repeat(64), Normalization.LAYER,
                new ModelVersionPublished.Architecture("unet3d", 2, 4, 4, 4, List.of(32, 32, 32)), "file:///data (test)",
                new ModelVersionPublished.Validation(0.3, new RegionValues(dice, dice, dice, dice, dice, dice)), status,
                version > 1 ? version - 1 : null, Instant.parse("2026-01-01T00:00:00Z"));
    }

    private void publish(ModelVersionPublished... events) throws Exception {
        Map<String, Object> p = kafka.clientProperties(Map.of("transactional.id", "models-it-" + UUID.randomUUID()));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (ModelVersionPublished e : events) {
                producer.send(new ProducerRecord<>(Topics.MODELS, Topics.key(e).getBytes(StandardCharsets.UTF_8), codec.encode(e)));
            }
            producer.commitTransaction();
        }
    }

    private List<ModelVersionPublished> modelEvents() throws Exception {
        return EventReader.readAll(kafka.bootstrapServers(), Map.of(), Topics.MODELS, ModelVersionPublished.class,
                Duration.ofSeconds(30));
    }

}
