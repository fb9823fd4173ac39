package org.brainseg.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.brainseg.client.topics.TopicsInitializer;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.kafka.embedded.EmbeddedKafka;
import org.brainseg.kafka.embedded.EmbeddedKafkaExtension;
import org.brainseg.model.TinyModels;
import org.brainseg.model.artifact.ModelArtifact;
import org.brainseg.model.net.TorchReference;
import org.brainseg.schemas.DiceReported;
import org.brainseg.schemas.Event;
import org.brainseg.schemas.ModelRef;
import org.brainseg.schemas.ModelStatus;
import org.brainseg.schemas.ModelVersionPublished;
import org.brainseg.schemas.ScanArrived;
import org.brainseg.schemas.SegmentationCompleted;
import org.brainseg.schemas.Topics;
import org.brainseg.worker.config.WorkerConfig;
import org.brainseg.worker.model.ModelFollowStatus;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers following {@code brainseg.models} on a real (embedded) broker with real DJL models:
 * hot swap under load, refusal of corrupt versions, rollback, start-up without an active
 * version, and native memory across many swaps. The trainer is not involved: each test publishes
 * ModelVersionPublished events itself, in transactions as the trainer does, under its own model
 * name (so each test has its own catalog on the shared topic).
 *
 * <p>brainseg.scans.arrived has one partition and workers one inference thread: scans start in
 * offset order, so "once a scan started on v2 no later scan started on v1" is checked exactly on
 * the submission order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class ModelFollowerIT {
    Path tmp;
    Path registry;
    @RegisterExtension
    static final EmbeddedKafkaExtension BROKER = EmbeddedKafkaExtension.withTopics(TopicsInitializer.newTopics(1, (short) 1));

    EmbeddedKafka kafka;
    List<Case> cases;
    Path trained1;
    Path trained2;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void setUp(@TempDir Path dir) throws Exception {
        tmp = dir;
        kafka = BROKER.kafka();
        // 5 mm (coarser than the other worker ITs): these tests stream many scans and check delivery, not accuracy
        cases = Fixtures.cohort(tmp.resolve("scans"), 6, 17, 5.0);
        // two differently seeded tiny models, trained outside the registry and installed per test
        trained1 = TinyModels.train(cases, tmp.resolve("trained"), 1, 3, 5.0);
        trained2 = TinyModels.train(cases, tmp.resolve("trained"), 2, 3, 5.0);
        registry = Files.createDirectories(tmp.resolve("registry"));
    }


    private WorkerConfig config(String modelName) throws Exception {
        return Fixtures.config(kafka.bootstrapServers(), tmp.resolve("scans"), tmp.resolve("masks"), trained1, 1, 2,
                "follow-" + modelName).withModel(WorkerConfig.Model.following(modelName, registry, "cpu"));
    }

    /** Copies a model into the registry as {@code <name>/<version>} and returns the event announcing it. */
    private ModelVersionPublished install(String name, int version, Path from, ModelStatus status) throws Exception {
        Path dir = ModelVersions.copy(from, registry.resolve(name).resolve(Integer.toString(version)));
        return ModelVersions.event(name, version, dir, status);
    }

    private void publish(ModelVersionPublished... events) {
        ModelVersions.publish(kafka.bootstrapServers(), events);
    }

    private List<ScanArrived> submit(String prefix, int n) throws Exception {
        return Fixtures.submitCycling(kafka.bootstrapServers(), prefix, cases, n);
    }

    private <T extends Event> List<T> committed(String topic, Class<T> type, String prefix) throws Exception {
        return Outputs.committed(kafka.bootstrapServers(), Map.of(), topic, type, prefix);
    }

    private List<SegmentationCompleted> awaitSegmentations(String prefix, int n) throws Exception {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(300))
                .until(() -> committed(Topics.SEGMENTATIONS, SegmentationCompleted.class, prefix).size() >= n);
        return committed(Topics.SEGMENTATIONS, SegmentationCompleted.class, prefix);
    }

    private static void awaitServing(Worker w, int version) {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50))
                .until(() -> w.status().modelVersion() == version && w.status().ready());
    }

    private HttpResponse<String> get(Worker w, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + w.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static double metric(Worker w, String line) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(line) + " ([0-9.eE+-]+)$").matcher(w.scrape());
        assertThat(m.find()).as("metric %s in the scrape", line).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static double swaps(Worker w, String outcome) {
        return metric(w, "brainseg_model_swaps_total{outcome=\"" + outcome + "\"}");
    }

    @Test
    void shouldSwapUnderLoadWithoutLosingOrDuplicatingAScan() throws Exception {
        String name = "hot";
        String p = "h-";
        ModelVersionPublished v1 = install(name, 1, trained1, ModelStatus.ACTIVE);
        publish(v1);
        double loadMaxSeconds;
        List<ScanArrived> sent;
        try (Worker w = Worker.start(config(name), t -> {})) {
            awaitServing(w, 1);
            sent = submit(p, 30);
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20)).until(() -> w.status().completed() >= 8);
            // a promotion, as the trainer publishes it: new version active, old one retired, one transaction
            ModelVersionPublished v2 = install(name, 2, trained2, ModelStatus.ACTIVE);
            publish(v2, ModelVersions.withStatus(v1, ModelStatus.RETIRED));
            awaitSegmentations(p, 30);
            assertThat(w.status().modelVersion()).isEqualTo(2);
            assertThat(swaps(w, "swapped")).isEqualTo(2.0); // v1 at start, then v2
            assertThat(swaps(w, "refused")).isZero();
            assertThat(metric(w, "brainseg_model_load_seconds_count")).isEqualTo(2.0);
            assertThat(metric(w, "brainseg_model_version")).isEqualTo(2.0);
            loadMaxSeconds = metric(w, "brainseg_model_load_seconds_max");
        }
        List<SegmentationCompleted> done = committed(Topics.SEGMENTATIONS, SegmentationCompleted.class, p);
        assertThat(done).hasSize(30).extracting(SegmentationCompleted::scanId)
                .containsExactlyInAnyOrderElementsOf(sent.stream().map(ScanArrived::scanId).toList());
        Map<String, SegmentationCompleted> byScan = new HashMap<>();
        done.forEach(d -> byScan.put(d.scanId(), d));
        // in offset order (= start order here): v1 ... v1 v2 ... v2, both present
        List<Integer> versions = sent.stream().map(e -> byScan.get(e.scanId()).modelVersion()).toList();
        assertThat(versions).allMatch(v -> v == 1 || v == 2).contains(1, 2).isSortedAccordingTo(Comparator.naturalOrder());
        assertThat(versions.stream().filter(v -> v == 1).count()).isGreaterThanOrEqualTo(8);
        List<DiceReported> dice = committed(Topics.DICE, DiceReported.class, p);
        assertThat(dice).hasSize(30).allSatisfy(d -> assertThat(d.modelVersion()).isEqualTo(byScan.get(d.scanId()).modelVersion()));
        for (SegmentationCompleted d : done) {
            Path mask = Path.of(d.maskUri());
            assertThat(mask.getParent().getFileName().toString()).isEqualTo("v" + d.modelVersion());
            assertThat(ModelArtifact.sha256(mask)).isEqualTo(d.maskSha256());
        }
        // the swap never held scans up: no scan waited longer than a model load plus one scan
        long slowestScan = done.stream().mapToLong(d -> d.timingsMs().total() - d.timingsMs().queue()).max().orElseThrow();
        long bound = (long) (loadMaxSeconds * 1000) + slowestScan + 2000;
        assertThat(done).allSatisfy(d -> assertThat(d.timingsMs().queue()).isLessThanOrEqualTo(bound));
    }

    @Test
    void shouldSwapFromNativeToImportedAndBackUnderLoadExactlyOnce() throws Exception {
        assumeTrue(TorchReference.available(), "/usr/bin/python3 with torch is not installed (it traces the bundle)");
        String name = "mixed";
        String p = "x-";
        ModelVersionPublished v1 = install(name, 1, trained1, ModelStatus.ACTIVE);
        Path bundleDir = ModelVersions.importedBundle(registry.resolve(name).resolve("2"), tmp.resolve("bundles"));
        ModelVersionPublished v2 = ModelVersions.importedEvent(name, 2, bundleDir, ModelStatus.ACTIVE);
        publish(v1);
        List<ScanArrived> sent;
        try (Worker w = Worker.start(config(name), t -> {})) {
            awaitServing(w, 1);
            sent = submit(p, 24);
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20)).until(() -> w.status().completed() >= 6);
            publish(v2, ModelVersions.withStatus(v1, ModelStatus.RETIRED)); // the import is promoted
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
                    .until(() -> w.status().modelVersion() == 2 && w.status().completed() >= 14);
            ModelVersionPublished v3 = install(name, 3, trained2, ModelStatus.ACTIVE); // and replaced by a native one
            publish(v3, ModelVersions.withStatus(v2, ModelStatus.RETIRED));
            awaitSegmentations(p, 24);
            assertThat(w.status().modelVersion()).isEqualTo(3);
            assertThat(swaps(w, "swapped")).isEqualTo(3.0);
            assertThat(swaps(w, "refused")).isZero();
        }
        List<SegmentationCompleted> done = committed(Topics.SEGMENTATIONS, SegmentationCompleted.class, p);
        assertThat(done).hasSize(24).extracting(SegmentationCompleted::scanId)
                .containsExactlyInAnyOrderElementsOf(sent.stream().map(ScanArrived::scanId).toList());
        Map<String, SegmentationCompleted> byScan = new HashMap<>();
        done.forEach(d -> byScan.put(d.scanId(), d));
        List<Integer> versions = sent.stream().map(e -> byScan.get(e.scanId()).modelVersion()).toList();
        assertThat(versions).contains(1, 2, 3).isSortedAccordingTo(Comparator.naturalOrder());
        for (SegmentationCompleted d : done) {
            ModelRef expected = d.modelVersion() == 2 ? new ModelRef(ModelRef.TORCHSCRIPT, "test-bundle", "0.1.0")
                    : ModelRef.nativeVersion(name, d.modelVersion());
            assertThat(d.model()).as("scan %s on version %d", d.scanId(), d.modelVersion()).isEqualTo(expected);
            assertThat(ModelArtifact.sha256(Path.of(d.maskUri()))).isEqualTo(d.maskSha256());
        }
        List<DiceReported> dice = committed(Topics.DICE, DiceReported.class, p);
        assertThat(dice).hasSize(24).allSatisfy(d -> assertThat(d.modelVersion()).isEqualTo(byScan.get(d.scanId()).modelVersion()));
    }

    @Test
    void shouldRefuseCorruptVersionsAndKeepServingTheOldOne() throws Exception {
        String name = "guard";
        String p = "g-";
        ModelVersionPublished v1 = install(name, 1, trained1, ModelStatus.ACTIVE);
        publish(v1);
        try (Worker w = Worker.start(config(name), t -> {})) {
            awaitServing(w, 1);
            ModelVersionPublished badSha = install(name, 2, trained2, ModelStatus.ACTIVE);
            badSha = new ModelVersionPublished(UUID.randomUUID(), name, 2, badSha.artifactUri(),
                    ModelArtifact.sha256(trained1.resolve(ModelArtifact.PARAMS_FILE)), badSha.normalization(),
                    badSha.architecture(), badSha.trainedOn(), badSha.validation(), ModelStatus.ACTIVE, 1, badSha.createdAt());
            assertRefused(w, badSha, "does not match the event's sha256");

            ModelVersionPublished truncated = install(name, 3, trained2, ModelStatus.ACTIVE);
            ModelVersions.truncateParams(registry.resolve(name + "/3"));
            assertRefused(w, truncated, "does not match the event's sha256");

            Path resealed = ModelVersions.copy(trained2, registry.resolve(name + "/4"));
            ModelVersions.truncateParams(resealed);
            ModelVersions.resealParams(resealed);
            assertRefused(w, ModelVersions.event(name, 4, resealed, ModelStatus.ACTIVE), "does not fit the architecture");

            ModelVersionPublished deeper = install(name, 5, trained2, ModelStatus.ACTIVE);
            ModelVersionPublished.Architecture a = deeper.architecture();
            deeper = new ModelVersionPublished(UUID.randomUUID(), name, 5, deeper.artifactUri(), deeper.sha256(),
                    deeper.normalization(), new ModelVersionPublished.Architecture(a.family(), a.depth() + 2, a.baseWidth(),
                            a.inChannels(), a.numClasses(), a.patchSize()), deeper.trainedOn(), deeper.validation(),
                    ModelStatus.ACTIVE, null, deeper.createdAt());
            assertRefused(w, deeper, "depth 2 (event: 4)");

            Path outside = ModelVersions.copy(trained2, tmp.resolve("elsewhere").resolve(name).resolve("6"));
            assertRefused(w, ModelVersions.event(name, 6, outside, ModelStatus.ACTIVE), "outside the model registry");

            List<ScanArrived> sent = submit(p, 3);
            List<SegmentationCompleted> done = awaitSegmentations(p, 3);
            assertThat(done).hasSize(3).allSatisfy(d -> assertThat(d.modelVersion()).isEqualTo(1));
            assertThat(sent).hasSize(3);
            // refused once each, never retried in a loop, while scans kept completing
            assertThat(swaps(w, "refused")).isEqualTo(5.0);
            assertThat(swaps(w, "swapped")).isEqualTo(1.0);
            assertThat(w.status().ready()).isTrue();
            String status = get(w, "/v1/status").body();
            assertThat(status).contains("\"lastRefused\":{\"version\":6").contains("outside the model registry")
                    .contains("\"activeVersion\":6").contains("\"modelVersion\":1");
        }
    }

    /**
     * Issue 8's registry faults: the served version's directory deleted under a running worker
     * (the model is in memory: scans keep completing on it), then a new version announced whose
     * directory is gone (refused, reported in /v1/status and the metrics, the old one serving).
     */
    @Test
    void shouldKeepServingWhenTheRegistryLosesVersionsUnderIt() throws Exception {
        String name = "lost";
        String p = "lost-";
        ModelVersionPublished v1 = install(name, 1, trained1, ModelStatus.ACTIVE);
        publish(v1);
        try (Worker w = Worker.start(config(name), t -> {})) {
            awaitServing(w, 1);
            deleteTree(registry.resolve(name + "/1"));
            submit(p + "a", 2);
            assertThat(awaitSegmentations(p + "a", 2)).allSatisfy(d -> assertThat(d.modelVersion()).isEqualTo(1));

            ModelVersionPublished v2 = install(name, 2, trained2, ModelStatus.ACTIVE);
            deleteTree(registry.resolve(name + "/2"));
            assertRefused(w, v2, "");
            assertThat(w.status().modelSource().lastRefused().reason()).isNotBlank();
            submit(p + "b", 2);
            assertThat(awaitSegmentations(p + "b", 2)).allSatisfy(d -> assertThat(d.modelVersion()).isEqualTo(1));
            assertThat(swaps(w, "refused")).isEqualTo(1.0);
            assertThat(get(w, "/v1/status").body()).contains("\"lastRefused\":{\"version\":2");
        }
    }

    private static void deleteTree(Path dir) throws Exception {
        try (var s = Files.walk(dir)) {
            for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    /** Least-squares slope of {@code ys} against their index. */
    private static double slope(List<Long> ys) {
        int n = ys.size();
        double mx = (n - 1) / 2.0;
        double my = ys.stream().mapToLong(Long::longValue).average().orElseThrow();
        double num = 0;
        double den = 0;
        for (int i = 0; i < n; i++) {
            num += (i - mx) * (ys.get(i) - my);
            den += (i - mx) * (i - mx);
        }
        return num / den;
    }

    private void assertRefused(Worker w, ModelVersionPublished bad, String reason) {
        publish(bad);
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(50)).until(() -> {
            ModelFollowStatus.Refusal r = w.status().modelSource().lastRefused();
            return r != null && r.version() == bad.version();
        });
        WorkerStatus s = w.status();
        assertThat(s.modelSource().lastRefused().reason()).contains(reason);
        assertThat(s.modelSource().lastRefused().sha256()).isEqualTo(bad.sha256());
        assertThat(s.modelVersion()).isEqualTo(1);
        assertThat(s.ready()).isTrue();
    }

    @Test
    void shouldRollBackToAnOlderVersion() throws Exception {
        String name = "roll";
        String p = "r-";
        ModelVersionPublished v1 = install(name, 1, trained1, ModelStatus.ACTIVE);
        ModelVersionPublished v2 = install(name, 2, trained2, ModelStatus.ACTIVE);
        publish(v1);
        try (Worker w = Worker.start(config(name), t -> {})) {
            awaitServing(w, 1);
            submit(p + "a", 2);
            assertThat(awaitSegmentations(p + "a", 2)).allSatisfy(d -> assertThat(d.modelVersion()).isEqualTo(1));
            publish(v2, ModelVersions.withStatus(v1, ModelStatus.RETIRED));
            awaitServing(w, 2);
            submit(p + "b", 2);
            assertThat(awaitSegmentations(p + "b", 2)).allSatisfy(d -> assertThat(d.modelVersion()).isEqualTo(2));
            // rollback: the older version active again, the newer retired
            publish(ModelVersions.withStatus(v1, ModelStatus.ACTIVE), ModelVersions.withStatus(v2, ModelStatus.RETIRED));
            awaitServing(w, 1);
            submit(p + "c", 2);
            List<SegmentationCompleted> after = awaitSegmentations(p + "c", 2);
            assertThat(after).allSatisfy(d -> {
                assertThat(d.modelVersion()).isEqualTo(1);
                assertThat(Path.of(d.maskUri()).getParent().getFileName().toString()).isEqualTo("v1");
            });
            assertThat(committed(Topics.DICE, DiceReported.class, p + "c")).hasSize(2)
                    .allSatisfy(d -> assertThat(d.modelVersion()).isEqualTo(1));
            assertThat(swaps(w, "swapped")).isEqualTo(3.0);
            assertThat(swaps(w, "refused")).isZero();
        }
    }

    @Test
    void shouldStayNotReadyAndTakeNoScanUntilAVersionIsActive() throws Exception {
        String name = "late";
        String p = "l-";
        try (Worker w = Worker.start(config(name), t -> {})) {
            submit(p, 3);
            // a candidate is not a version to serve
            publish(install(name, 1, trained1, ModelStatus.CANDIDATE));
            Thread.sleep(2000);
            WorkerStatus s = w.status();
            assertThat(s.ready()).isFalse();
            assertThat(s.modelVersion()).isZero();
            assertThat(s.received()).isZero();
            assertThat(s.problems()).anyMatch(x -> x.startsWith("no active model version"));
            assertThat(s.modelSource().caughtUp()).isTrue();
            assertThat(s.modelSource().activeVersion()).isNull();
            HttpResponse<String> ready = get(w, "/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("no active model version");
            assertThat(committed(Topics.SEGMENTATIONS, SegmentationCompleted.class, p)).isEmpty();

            publish(ModelVersions.event(name, 1, registry.resolve(name + "/1"), ModelStatus.ACTIVE));
            awaitServing(w, 1);
            assertThat(get(w, "/health/ready").statusCode()).isEqualTo(200);
            assertThat(awaitSegmentations(p, 3)).hasSize(3).allSatisfy(d -> assertThat(d.modelVersion()).isEqualTo(1));
        }
    }

    @Test
    void shouldKeepNativeMemoryFlatAcrossManySwaps() throws Exception {
        String name = "mem";
        String p = "m-";
        // deeper than the tiny models (depth 6: about 21 MB of parameters each, nearly all at the
        // 1-2 voxel levels, so inference stays cheap) so that keeping one model per swap would stand
        // far above the RSS noise; 6 mm spacing: one window per scan
        ModelVersionPublished[] v = {
            null,
            ModelVersions.event(name, 1, ModelVersions.untrained(registry.resolve(name + "/1"), 6, 8, 32, 6.0, 11),
                    ModelStatus.ACTIVE),
            ModelVersions.event(name, 2, ModelVersions.untrained(registry.resolve(name + "/2"), 6, 8, 32, 6.0, 12),
                    ModelStatus.ACTIVE)};
        long modelBytes = Files.size(registry.resolve(name + "/1").resolve(ModelArtifact.PARAMS_FILE));
        publish(v[1]);
        List<Integer> live = new ArrayList<>();
        List<Long> rss = new ArrayList<>();
        int swaps = 20;
        try (Worker w = Worker.start(config(name), t -> {})) {
            awaitServing(w, 1);
            for (int i = 0; i <= swaps; i++) {
                int target = i % 2 == 0 ? 1 : 2;
                if (i > 0) {
                    publish(ModelVersions.withStatus(v[target], ModelStatus.ACTIVE),
                            ModelVersions.withStatus(v[3 - target], ModelStatus.RETIRED));
                    int expected = i + 1;
                    await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(20))
                            .until(() -> w.status().modelSource().swapped() == expected);
                }
                assertThat(w.status().modelVersion()).isEqualTo(target);
                long completed = w.status().completed();
                submit(p + i + "-", 1);
                await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(20))
                        .until(() -> w.status().completed() == completed + 1 && w.status().inFlight() == 0);
                System.gc();
                live.add(ModelVersions.liveNdArrays());
                rss.add(ModelVersions.rssBytes());
            }
            assertThat(swaps(w, "refused")).isZero();
        }
        // exactly one model's parameters alive at every idle point: each old version was freed
        assertThat(live).as("live NDArrays after each swap and scan").containsOnly(live.get(0));
        // RSS trend after the first swaps (allocator and JIT warm-up), as a least-squares slope per swap:
        // keeping one model per swap would make it at least modelBytes
        double slope = slope(rss.subList(2, rss.size()));
        org.slf4j.LoggerFactory.getLogger(ModelFollowerIT.class).info(
                "after {} swaps: live NDArrays {}; RSS MB {}; slope {} KB/swap; one model {} KB", swaps, live.get(0),
                rss.stream().map(r -> r >> 20).toList(), Math.round(slope / 1024), modelBytes >> 10);
        assertThat(slope).as("RSS growth per swap (bytes); one model is %d bytes", modelBytes).isLessThan(modelBytes / 4.0);
        assertThat(committed(Topics.SEGMENTATIONS, SegmentationCompleted.class, p)).hasSize(swaps + 1);
    }
}
