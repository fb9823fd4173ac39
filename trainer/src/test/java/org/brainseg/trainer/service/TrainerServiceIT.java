package org.brainseg.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.brainseg.client.consume.EventReader;
import org.brainseg.client.topics.TopicsInitializer;
import org.brainseg.kafka.embedded.EmbeddedKafka;
import org.brainseg.kafka.embedded.EmbeddedKafkaExtension;
import org.brainseg.schemas.ErrorCode;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.ModelCatalog;
import org.brainseg.schemas.ModelStatus;
import org.brainseg.schemas.ModelVersionPublished;
import org.brainseg.schemas.Normalization;
import org.brainseg.schemas.Promotion;
import org.brainseg.schemas.RegionValues;
import org.brainseg.schemas.ScanFailed;
import org.brainseg.schemas.StartFrom;
import org.brainseg.schemas.Topics;
import org.brainseg.schemas.TrainingRequested;
import org.brainseg.trainer.config.TrainerConfig;
import org.brainseg.trainer.registry.ModelRegistry;
import org.brainseg.trainer.registry.VersionRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer service on the embedded broker, request by request, with real training: the shipped
 * model seeds an empty registry as the first active version; a worse one (a crippled configuration)
 * is rejected with both figures and the active version unchanged; a fine-tune of the active
 * version is promoted and the old one retired in the same transaction; {@code never} keeps a
 * candidate, {@code force} promotes regardless; a request naming a missing dataset goes to
 * brainseg.scans.failed and the next request is still served; a repeated request id publishes
 * nothing new. Every event is read with read_committed. The good version's quality comes from fixed
 * weights (the shipped model), never from a short training's luck, so the outcome is the same with
 * either anatomy ({@link Fixtures}). Auto-retrain, which needs a broker of its own, is
 * {@link AutoRetrainIT}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class TrainerServiceIT {
    Path tmp;
    Path data;
    Path registryRoot;
    @RegisterExtension
    static final EmbeddedKafkaExtension BROKER = EmbeddedKafkaExtension.withTopics(TopicsInitializer.newTopics(3, (short) 1));

    EmbeddedKafka kafka;
    final EventCodec codec = new EventCodec();
    final List<TrainerService> services = new ArrayList<>();

    @BeforeAll
    void setUp(@TempDir Path dir) throws Exception {
        tmp = dir;
        kafka = BROKER.kafka();
        data = Fixtures.cohort(tmp.resolve("data"), 8, 21);
        registryRoot = tmp.resolve("registry");
    }

    @AfterAll
    void tearDown() throws Exception {
        for (TrainerService s : services) {
            s.close();
        }
    }

    private TrainerService start(TrainerConfig.Training training) throws Exception {
        return start(Fixtures.config(kafka.bootstrapServers(), registryRoot, training, "trainer-it"));
    }

    private TrainerService start(TrainerConfig config) throws Exception {
        TrainerService s = TrainerService.start(config, t -> {});
        services.add(s);
        return s;
    }

    private void stop(TrainerService s) throws Exception {
        s.close();
        services.remove(s);
    }

    @Test
    void shouldPromoteRejectKeepAndForceVersionsAndFailBadRequestsWithoutBlocking() throws Exception {
        // 1. the first version ever: the shipped model seeded into the empty registry, active, nothing to compare with
        TrainerService tuner = start(Fixtures.seededConfig(kafka.bootstrapServers(), registryRoot, Fixtures.fineTune(),
                "trainer-it"));
        List<ModelVersionPublished> e1 = awaitModelEvents(1);
        assertThat(e1.get(0).version()).isEqualTo(1);
        assertThat(e1.get(0).status()).isEqualTo(ModelStatus.ACTIVE);
        assertThat(e1.get(0).parentVersion()).isNull();
        assertThat(e1.get(0).comparedWith()).as("the first version had nothing to beat").isNull();
        stop(tuner);

        // 2. a crippled run (random weights) loses to it: rejected with both figures, v1 still active
        TrainerService crippled = start(Fixtures.crippled());
        request("r2", data, Promotion.AUTO, 1, StartFrom.SCRATCH);
        List<ModelVersionPublished> e2 = awaitModelEvents(2);
        ModelVersionPublished v2 = e2.get(1);
        assertThat(v2.version()).isEqualTo(2);
        assertThat(v2.status()).isEqualTo(ModelStatus.REJECTED);
        assertThat(v2.parentVersion()).as("names the active version it lost to").isEqualTo(1);
        VersionRecord r2 = VersionRecord.read(registryRoot.resolve("brainseg/2")).orElseThrow();
        assertThat(r2.requestId()).isEqualTo("r2");
        // the trained version carries its quality profile, fitted on the held-out cases
        org.brainseg.model.quality.QualityProfile q2 = org.brainseg.model.quality.QualityProfile.read(
                registryRoot.resolve("brainseg/2"));
        assertThat(q2).as("quality.json of version 2").isNotNull();
        assertThat(q2.calibration().cases()).isEqualTo(r2.candidate().cases().size());
        assertThat(q2.input().cases()).isEqualTo(r2.candidate().cases().size());
        assertThat(r2.comparedWithVersion()).isEqualTo(1);
        assertThat(r2.comparedWith().cases()).isEqualTo(r2.candidate().cases()).isNotEmpty();
        double v1Dice = r2.comparedWith().meanDice();
        double v2Dice = meanDice(v2);
        assertThat(v2Dice).isEqualTo(r2.candidate().meanDice(), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(v1Dice).as("the shipped model, judged on the held-out cases, beats random weights clearly")
                .isGreaterThan(v2Dice + 0.05);
        // both figures in the event itself: the candidate's in validation, the active's in comparedWith
        assertThat(v2.comparedWith()).isNotNull();
        assertThat(v2.comparedWith().version()).isEqualTo(1);
        assertThat(v2.comparedWith().loss()).isEqualTo(r2.comparedWith().loss(), org.assertj.core.data.Offset.offset(1e-9));
        RegionValues cd = v2.comparedWith().dice();
        assertThat(cd.meanRegions()).isEqualTo(v1Dice, org.assertj.core.data.Offset.offset(1e-9));
        await().atMost(Duration.ofSeconds(30)).until(() -> latest(services).scrape()
                .contains("brainseg_training_runs_total{outcome=\"rejected\"} 1.0"));
        stop(crippled);

        // 3. a bad request, then a fine-tune of the active version: ScanFailed, then promoted, v1 retired, in that
        //    order, one transaction
        tuner = start(Fixtures.fineTune());
        publishRaw("bad-1", codec.encode(new TrainingRequested(UUID.randomUUID(), "bad-1", "missing dataset",
                tmp.resolve("no-such-dataset").toUri(), Normalization.LAYER, 1, 1, Promotion.AUTO)));
        request("r3", data, Promotion.AUTO, 2, StartFrom.ACTIVE);
        List<ModelVersionPublished> e3 = awaitModelEvents(4);
        assertThat(e3.subList(2, 4)).extracting(ModelVersionPublished::version, ModelVersionPublished::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(3, ModelStatus.ACTIVE),
                        org.assertj.core.groups.Tuple.tuple(1, ModelStatus.RETIRED));
        ModelVersionPublished v3 = e3.get(2);
        double v3Dice = meanDice(v3);
        assertThat(v3Dice).as("the fine-tuned version validates better than the crippled one").isGreaterThan(v2Dice + 0.05);
        assertThat(v3.parentVersion()).isEqualTo(1);
        assertThat(v3.comparedWith().version()).as("the promoted v3 names what it beat").isEqualTo(1);
        VersionRecord r3 = VersionRecord.read(registryRoot.resolve("brainseg/3")).orElseThrow();
        assertThat(r3.requestId()).isEqualTo("r3");
        assertThat(r3.comparedWith().meanDice()).as("the active version judged again on the same cases")
                .isEqualTo(v1Dice, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(r3.candidate().meanDice()).isEqualTo(v3Dice, org.assertj.core.data.Offset.offset(1e-9));
        // the events are committed just before the trainer updates its own gauges: wait for them
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> latest(services).scrape().contains("brainseg_model_active_version{model=\"brainseg\"} 3.0"));
        assertThat(tuner.scrape()).contains("brainseg_training_runs_total{outcome=\"promoted\"} 1.0")
                .contains("brainseg_training_runs_total{outcome=\"failed\"} 1.0")
                .contains("brainseg_model_active_version{model=\"brainseg\"} 3.0")
                .contains("brainseg_training_epoch 2.0").contains("brainseg_training_in_progress 0.0")
                .contains("brainseg_training_validation_dice{region=\"WT\"}")
                .contains("brainseg_training_duration_seconds_count 2"); // the refused request and the fine-tune
        assertThat(catalog().active().orElseThrow().version()).isEqualTo(3);
        List<ScanFailed> failed = committed(Topics.SCANS_FAILED, ScanFailed.class);
        assertThat(failed).hasSize(1);
        assertThat(failed.get(0).scanId()).isNull();
        assertThat(failed.get(0).trainingRequestId()).as("a failed request is named as one").isEqualTo("bad-1");
        assertThat(failed.get(0).reportsTrainingRequest()).isTrue();
        assertThat(failed.get(0).errorCode()).isEqualTo(ErrorCode.FILE_MISSING);
        assertThat(failed.get(0).source().topic()).isEqualTo(Topics.TRAINING_REQUESTS);
        assertThat(failed.get(0).message()).contains("bad-1").contains("no such directory");
        assertThat(failed.get(0).payload()).contains("\"requestId\":\"bad-1\"");
        stop(tuner);

        // 4. never keeps a candidate; force promotes even a crippled version
        crippled = start(Fixtures.crippled());
        request("r4", data, Promotion.NEVER, 1, StartFrom.SCRATCH);
        request("r5", data, Promotion.FORCE, 1, StartFrom.SCRATCH);
        List<ModelVersionPublished> e5 = awaitModelEvents(7);
        assertThat(e5.subList(4, 7)).extracting(ModelVersionPublished::version, ModelVersionPublished::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(4, ModelStatus.CANDIDATE),
                        org.assertj.core.groups.Tuple.tuple(5, ModelStatus.ACTIVE),
                        org.assertj.core.groups.Tuple.tuple(3, ModelStatus.RETIRED));
        assertThat(catalog().active().orElseThrow().version()).isEqualTo(5);

        // 5. the same request id again: nothing trained, nothing published, the offset committed
        request("r5", data, Promotion.FORCE, 1, StartFrom.SCRATCH);
        await().atMost(Duration.ofMinutes(1)).until(() -> latest(services).status().last() != null
                && latest(services).status().last().outcome() == TrainingOutcome.DUPLICATE);
        assertThat(committedModels()).hasSize(7);
        assertThat(new ModelRegistry(registryRoot).versions("brainseg")).containsExactly(1, 2, 3, 4, 5);
        assertThat(crippled.scrape()).contains("brainseg_training_runs_total{outcome=\"candidate\"} 1.0")
                .contains("brainseg_training_runs_total{outcome=\"promoted\"} 1.0");
        HttpResponse<String> status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + crippled.httpPort() + "/v1/status")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(status.body()).contains("\"activeVersion\":5").contains("\"ready\":true");
        stop(crippled);
    }

    private static TrainerService latest(List<TrainerService> s) {
        return s.get(s.size() - 1);
    }

    private static double meanDice(ModelVersionPublished e) {
        return e.validation().dice().meanRegions();
    }

    private void request(String id, Path dataset, Promotion p, int epochs, StartFrom from) throws Exception {
        publishRaw(id, codec.encode(new TrainingRequested(UUID.randomUUID(), id, "test " + id, dataset.toUri(),
                Normalization.LAYER, epochs, 7, p, from)));
    }

    private void publishRaw(String key, byte[] value) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(kafka.clientProperties(Map.of()), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(Topics.TRAINING_REQUESTS, key.getBytes(StandardCharsets.UTF_8), value)).get();
        }
    }

    private List<ModelVersionPublished> awaitModelEvents(int n) {
        List<List<ModelVersionPublished>> box = new ArrayList<>();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(300)).until(() -> {
            List<ModelVersionPublished> e = committedModels();
            box.clear();
            box.add(e);
            return e.size() >= n;
        });
        assertThat(box.get(0)).hasSize(n);
        return box.get(0);
    }

    private List<ModelVersionPublished> committedModels() throws Exception {
        return committed(Topics.MODELS, ModelVersionPublished.class);
    }

    private ModelCatalog catalog() throws Exception {
        ModelCatalog c = new ModelCatalog("brainseg");
        committedModels().forEach(c::apply);
        return c;
    }

    private <T extends org.brainseg.schemas.Event> List<T> committed(String topic, Class<T> type) throws Exception {
        return EventReader.readAll(kafka.bootstrapServers(), Map.of(), topic, type, Duration.ofSeconds(30));
    }

}
