package org.brainseg.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.brainseg.client.consume.EventReader;
import org.brainseg.client.submit.ScanSubmitter;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.CaseLoader;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.imaging.labels.Region;
import org.brainseg.imaging.labels.TumourLabel;
import org.brainseg.imaging.metrics.SegmentationMetrics;
import org.brainseg.imaging.nifti.NiftiReader;
import org.brainseg.model.TinyModels;
import org.brainseg.model.engine.DeviceChoice;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.model.infer.ScanSegmenter;
import org.brainseg.model.quality.QualityFitter;
import org.brainseg.schemas.DiceReported;
import org.brainseg.schemas.ErrorCode;
import org.brainseg.schemas.Event;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.ScanArrived;
import org.brainseg.schemas.ScanFailed;
import org.brainseg.schemas.SegmentationCompleted;
import org.brainseg.schemas.Topics;
import org.brainseg.worker.config.WorkerConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker against a real (embedded KRaft) broker with a real DJL model: scans in, masks and
 * events out, exactly once, poison isolated, the in-flight bound kept, nothing lost on stop.
 * Each test uses its own scan ids; outputs are read the way a downstream consumer would
 * (read_committed, from the beginning).
 */
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class WorkerIT extends BrokerFixture {

    final EventCodec codec = new EventCodec();

    @BeforeAll
    void setUp(@TempDir Path dir) throws Exception {
        useBroker(dir);
        cases = Fixtures.cohort(tmp.resolve("scans"), 20, 7);
        model = TinyModels.train(cases, tmp.resolve("models"), 1, 4);
    }


    private WorkerConfig config(String txId, int threads, int maxInFlight) throws Exception {
        return Fixtures.config(kafka.bootstrapServers(), tmp.resolve("scans"), tmp.resolve("masks"), model, threads,
                maxInFlight, txId);
    }

    private List<ScanArrived> submit(String prefix, List<Case> cs) throws Exception {
        return Fixtures.submit(kafka.bootstrapServers(), prefix, cs);
    }

    private <T extends Event> List<T> committed(String topic, Class<T> type, String prefix) throws Exception {
        return Outputs.committed(kafka.bootstrapServers(), Map.of(), topic, type, prefix);
    }

    private void awaitCount(String topic, Class<? extends Event> type, String prefix, int n) {
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500))
                .until(() -> committed(topic, type, prefix).size() >= n);
    }

    @Test
    void shouldSegmentEveryScanOnceAndScoreItLikeTheDiceCommand() throws Exception {
        String p = "a-";
        try (Worker w = Worker.start(config("it-a", 2, 4), t -> {})) {
            submit(p, cases);
            awaitCount(Topics.DICE, DiceReported.class, p, 20);
            awaitCount(Topics.SEGMENTATIONS, SegmentationCompleted.class, p, 20);
            assertThat(w.status().ready()).isTrue();
            assertThat(w.scrape()).contains("brainseg_scans_completed_total").contains("brainseg_scan_stage_seconds_bucket")
                    .contains("kafka_consumer").contains("jvm_memory_used_bytes");
            assertHttpEndpoints(w.httpPort());
        }
        List<SegmentationCompleted> done = committed(Topics.SEGMENTATIONS, SegmentationCompleted.class, p);
        List<DiceReported> dice = committed(Topics.DICE, DiceReported.class, p);
        assertThat(done).hasSize(20).extracting(SegmentationCompleted::scanId).doesNotHaveDuplicates();
        assertThat(dice).hasSize(20);
        assertThat(done).allSatisfy(d -> assertThat(d.modelVersion()).isEqualTo(1));
        Map<String, Case> byScan = cases.stream().collect(Collectors.toMap(c -> p + c.id(), c -> c));
        for (DiceReported d : dice) {
            SegmentationCompleted sc = done.stream().filter(x -> x.scanId().equals(d.scanId())).findFirst().orElseThrow();
            Path mask = Path.of(sc.maskUri());
            assertThat(mask).exists();
            assertThat(ScanProcessorSha.sha256(mask)).isEqualTo(sc.maskSha256());
            // the reported Dice is what `brainseg dice` computes from the written mask and the truth
            Case c = byScan.get(d.scanId());
            Volume pred = CaseLoader.toInternal("mask", NiftiReader.read(mask).volume(), c.convention());
            Volume truth = CaseLoader.toInternal("seg", NiftiReader.read(c.label()).volume(), c.convention());
            SegmentationMetrics.Report r = SegmentationMetrics.compute(pred, truth);
            assertThat(d.dice().wt()).isEqualTo(r.regions().get(Region.WT).dice());
            assertThat(d.dice().et()).isEqualTo(r.regions().get(Region.ET).dice());
            assertThat(d.dice().edema()).isEqualTo(r.labels().get(TumourLabel.EDEMA).dice());
            assertThat(d.hd95().wt()).isEqualTo(r.regions().get(Region.WT).hd95());
        }
    }

    @Test
    void shouldIsolatePoisonAndKeepServingGoodScans() throws Exception {
        String p = "b-";
        List<Case> good = cases.subList(0, 10);
        Path outside = Files.writeString(tmp.resolve("outside.nii.gz"), "x");
        Path corrupt = Files.write(tmp.resolve("scans").resolve("corrupt_t1.nii.gz"), new byte[] {31, -117, 8, 0, 1, 2, 3});
        Path otherGrid = tmp.resolve("scans").resolve("other_grid_t2.nii.gz");
        new org.brainseg.imaging.nifti.NiftiWriter().write(otherGrid, new Volume(8, 8, 8, new float[512],
                org.brainseg.imaging.Affine.identity()).withData(filled(512)), org.brainseg.imaging.nifti.NiftiDataType.INT16);
        Set<String> poisonSources = new HashSet<>();
        try (Worker w = Worker.start(config("it-b", 1, 2), t -> {});
                ScanSubmitter s = new ScanSubmitter(kafka.bootstrapServers(), Map.of(), Clock.systemUTC())) {
            List<byte[]> poison = new ArrayList<>();
            poison.add("{not json".getBytes(StandardCharsets.UTF_8));
            poison.add(new byte[0]);
            poison.add(new byte[] {(byte) 0xff, (byte) 0xfe, 0x00});
            poison.add("{\"schemaVersion\":99}".getBytes(StandardCharsets.UTF_8));
            poison.add("[1,2,3]".getBytes(StandardCharsets.UTF_8));
            poison.add(codec.encode(withT1(s.eventFor(good.get(0), p + "poison-uri"), outside.toUri())));
            poison.add(codec.encode(withT1(s.eventFor(good.get(0), p + "poison-http"), URI.create("http://example.org/t1.nii.gz"))));
            poison.add(codec.encode(withT1(s.eventFor(good.get(0), p + "poison-missing"), tmp.resolve("scans/nope.nii.gz").toUri())));
            poison.add(codec.encode(withT1(s.eventFor(good.get(0), p + "poison-corrupt"), corrupt.toUri())));
            poison.add(codec.encode(withT1(s.eventFor(good.get(0), p + "poison-geometry"), otherGrid.toUri())));
            for (int i = 0; i < good.size(); i++) {
                s.submit(List.of(s.eventFor(good.get(i), p + good.get(i).id())));
                var meta = s.submitRaw((p + "poison-" + i).getBytes(StandardCharsets.UTF_8), poison.get(i));
                poisonSources.add(meta.partition() + "@" + meta.offset());
            }
            awaitCount(Topics.SEGMENTATIONS, SegmentationCompleted.class, p, 10);
            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500))
                    .until(() -> failuresOf(poisonSources).size() >= 10);
            assertThat(w.status().ready()).isTrue();
            assertThat(w.scrape()).contains("brainseg_scans_failed_total{reason=\"BAD_JSON\"} 1.0");
        }
        List<ScanFailed> failed = failuresOf(poisonSources);
        assertThat(failed).hasSize(10);
        assertThat(failed).extracting(ScanFailed::errorCode).containsExactlyInAnyOrder(ErrorCode.BAD_JSON,
                ErrorCode.EMPTY_PAYLOAD, ErrorCode.BAD_ENCODING, ErrorCode.UNKNOWN_SCHEMA_VERSION, ErrorCode.SCHEMA_VIOLATION,
                ErrorCode.URI_NOT_ALLOWED, ErrorCode.URI_NOT_ALLOWED, ErrorCode.FILE_MISSING, ErrorCode.NIFTI_CORRUPT,
                ErrorCode.GEOMETRY_MISMATCH);
        assertThat(failed).allSatisfy(f -> {
            assertThat(f.source().topic()).isEqualTo(Topics.SCANS_ARRIVED);
            assertThat(f.message()).isNotBlank();
            assertThat(f.retriable()).isFalse();
        });
        assertThat(committed(Topics.SEGMENTATIONS, SegmentationCompleted.class, p)).hasSize(10)
                .extracting(SegmentationCompleted::scanId).noneMatch(id -> id.contains("poison"));
    }

    private List<ScanFailed> failuresOf(Set<String> sources) throws Exception {
        try (EventReader r = new EventReader(kafka.bootstrapServers(), Map.of(), Topics.SCANS_FAILED)) {
            List<ScanFailed> out = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> rec : r.readAll(Duration.ofSeconds(30))) {
                ScanFailed f = codec.decode(rec.value(), ScanFailed.class);
                if (sources.contains(f.source().partition() + "@" + f.source().offset())) {
                    out.add(f);
                }
            }
            return out;
        }
    }

    private static float[] filled(int n) {
        float[] d = new float[n];
        java.util.Arrays.fill(d, 100);
        return d;
    }

    /** A copy of the event whose T1 points elsewhere. */
    private static ScanArrived withT1(ScanArrived e, URI t1) {
        ScanArrived.Modalities m = e.modalities();
        return new ScanArrived(e.eventId(), e.scanId(), null, e.arrivedAt(), new ScanArrived.Modalities(t1, m.t1ce(), m.t2(),
                m.flair()), null, e.labelUri(), e.labelConvention(), Map.of());
    }

    @Test
    void shouldKeepTheInFlightBound() throws Exception {
        String p = "c-";
        AtomicLong maxSeen = new AtomicLong();
        try (Worker w = Worker.start(config("it-c", 1, 3), t -> {})) {
            submit(p, cases.subList(0, 12));
            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(20)).until(() -> {
                maxSeen.accumulateAndGet(w.status().inFlight(), Math::max);
                return w.status().completed() >= 12;
            });
        }
        assertThat(maxSeen.get()).isBetween(1L, 3L);
        assertThat(committed(Topics.SEGMENTATIONS, SegmentationCompleted.class, p)).hasSize(12);
    }

    @Test
    void shouldLoseNothingWhenStoppedGracefullyMidStream() throws Exception {
        String p = "d-";
        Worker w = Worker.start(config("it-d", 1, 2), t -> {});
        submit(p, cases);
        await().atMost(Duration.ofMinutes(4)).until(() -> w.status().completed() >= 3);
        w.close(); // finishes the in-flight scans and commits
        int afterStop = committed(Topics.SEGMENTATIONS, SegmentationCompleted.class, p).size();
        assertThat(afterStop).isBetween(3, 19);
        try (Worker again = Worker.start(config("it-d", 2, 4), t -> {})) {
            awaitCount(Topics.SEGMENTATIONS, SegmentationCompleted.class, p, 20);
        }
        List<SegmentationCompleted> done = committed(Topics.SEGMENTATIONS, SegmentationCompleted.class, p);
        Set<String> ids = new HashSet<>();
        done.forEach(d -> ids.add(d.scanId()));
        assertThat(done).hasSize(20);
        assertThat(ids).hasSize(20);
    }

    @Test
    void shouldEstimateEachMasksQualityAndFlagASwappedScanWithoutFailingIt() throws Exception {
        String p = "q-";
        // the version's quality profile, fitted on 6 cases as the trainer fits it on its held-out cases
        Path calibrated = ModelVersions.copy(model, tmp.resolve("models-q/1"));
        try (ScanSegmenter s = ScanSegmenter.load(calibrated, EngineSettings.of(DeviceChoice.CPU, 1))) {
            QualityFitter.fit(s, cases.subList(0, 6), (d, t) -> { }).profile().write(calibrated);
        }
        Case good = cases.get(10);
        Case swapped = cases.get(11);
        java.util.EnumMap<Modality, Path> files = new java.util.EnumMap<>(swapped.modalities());
        files.put(Modality.T1, swapped.modalities().get(Modality.FLAIR));
        files.put(Modality.FLAIR, swapped.modalities().get(Modality.T1));
        List<Case> scans = List.of(good, Case.separate(swapped.id(), files, swapped.label(), swapped.convention()));
        WorkerConfig c = Fixtures.config(kafka.bootstrapServers(), tmp.resolve("scans"), tmp.resolve("masks"), calibrated, 1, 2,
                "it-q").withQuality(true);
        try (Worker w = Worker.start(c, t -> {})) {
            submit(p, scans);
            awaitCount(Topics.SEGMENTATIONS, SegmentationCompleted.class, p, 2);
            assertThat(w.scrape()).contains("brainseg_quality_assessed_total 2.0")
                    .containsPattern("brainseg_quality_predicted_dice_count\\{region=\"WT\",?\\} 2")
                    .contains("brainseg_quality_baseline_dice{region=\"WT\"}");
        }
        Map<String, SegmentationCompleted> byScan = committed(Topics.SEGMENTATIONS, SegmentationCompleted.class, p).stream()
                .collect(Collectors.toMap(SegmentationCompleted::scanId, x -> x));
        assertThat(committed(Topics.SCANS_FAILED, ScanFailed.class, p)).as("an unusual scan is flagged, never failed").isEmpty();
        SegmentationCompleted ok = byScan.get(p + good.id());
        assertThat(ok.quality()).isNotNull();
        assertThat(ok.quality().predictedDice()).isNotNull();
        assertThat(ok.quality().features()).containsKeys("flipDice.WT", "flipDice.TC", "flipDice.ET", "volume.WT");
        assertThat(ok.quality().reasons()).noneMatch(r -> r.startsWith("modalities-swapped"));
        SegmentationCompleted odd = byScan.get(p + swapped.id());
        assertThat(odd.quality().needsReview()).as("%s", odd.quality()).isTrue();
        assertThat(odd.quality().reasons()).as("%s", odd.quality()).anyMatch(r -> r.startsWith("modalities-swapped"));
    }

    private static void assertHttpEndpoints(int port) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.util.function.Function<String, java.net.http.HttpResponse<String>> get = path -> {
            try {
                return http.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        assertThat(get.apply("/health/live").statusCode()).isEqualTo(200);
        var ready = get.apply("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("\"UP\"");
        var status = get.apply("/v1/status");
        assertThat(status.body()).contains("\"modelVersion\":1").contains("\"completed\":20").contains("\"ready\":true");
        var metrics = get.apply("/metrics");
        assertThat(metrics.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
        assertThat(metrics.body()).contains("brainseg_scans_completed_total 20.0").contains("brainseg_model_version 1.0")
                .contains("brainseg_dice_count{model_version=\"1\",region=\"WT\"} 20");
        assertThat(get.apply("/nope").statusCode()).isEqualTo(404);
    }

    @Test
    void shouldRetryAWriteFaultThenReportItAsExhausted() throws Exception {
        String p = "e-";
        Case c = cases.get(0);
        // a file where the mask's directory should go: every write attempt fails with an I/O error
        Files.createDirectories(tmp.resolve("masks"));
        Files.writeString(tmp.resolve("masks").resolve(p + c.id()), "in the way");
        try (Worker w = Worker.start(config("it-e", 1, 2), t -> {})) {
            submit(p, List.of(c, cases.get(1)));
            awaitCount(Topics.SCANS_FAILED, ScanFailed.class, p, 1);
            awaitCount(Topics.SEGMENTATIONS, SegmentationCompleted.class, p, 1);
            assertThat(w.status().ready()).isTrue();
        }
        ScanFailed f = committed(Topics.SCANS_FAILED, ScanFailed.class, p).get(0);
        assertThat(f.errorCode()).isEqualTo(ErrorCode.TRANSIENT_EXHAUSTED);
        assertThat(f.attempts()).isEqualTo(3);
        assertThat(f.scanId()).isEqualTo(p + c.id());
        assertThat(committed(Topics.SEGMENTATIONS, SegmentationCompleted.class, p)).extracting(SegmentationCompleted::scanId)
                .containsExactly(p + cases.get(1).id());
    }

    /** sha256 of a whole file by the JDK directly, independent of the worker's streaming Sha256. */
    static final class ScanProcessorSha {
        static String sha256(Path p) throws Exception {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            return java.util.HexFormat.of().formatHex(md.digest(Files.readAllBytes(p)));
        }
    }
}
