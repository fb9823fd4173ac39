package org.brainseg.pacs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.brainseg.client.consume.EventReader;
import org.brainseg.client.topics.TopicsInitializer;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.DatasetScanner;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.imaging.nifti.NiftiDataType;
import org.brainseg.imaging.nifti.NiftiReader;
import org.brainseg.imaging.nifti.NiftiWriter;
import org.brainseg.synthetic.CohortConfig;
import org.brainseg.synthetic.CohortGenerator;
import org.brainseg.kafka.embedded.EmbeddedKafkaExtension;
import org.brainseg.pacs.ingest.PositionFile;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.RegionValues;
import org.brainseg.schemas.ScanArrived;
import org.brainseg.schemas.SegmentationCompleted;
import org.brainseg.schemas.Topics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.brainseg.pacs.config.PacsConfig;

/**
 * The bridge when Orthanc is not there: down when the bridge starts, stopped mid-stream with a SEG
 * to store, back on the same port with its stored studies; and a restart that lost the last
 * position save (as a crash between publish and save would). Nothing lost, nothing stored twice.
 */
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class PacsBridgeFaultsIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension BROKER = EmbeddedKafkaExtension.withTopics(TopicsInitializer.newTopics(3, (short) 1));

    final EventCodec codec = new EventCodec();
    final List<AutoCloseable> open = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void tearDown() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    PacsConfig config(int port) throws Exception {
        Files.createDirectories(dir.resolve("masks"));
        return PacsConfig.local(new PacsConfig.Kafka(BROKER.bootstrapServers(), "it-faults-" + UUID.randomUUID(), "it-faults", Map.of()),
                OrthancServer.client(java.net.URI.create("http://127.0.0.1:" + port), Duration.ofSeconds(10), null),
                new PacsConfig.Store(dir.resolve("scans"), dir.resolve("position.json"), List.of(dir.resolve("masks"))));
    }

    PacsBridge bridge(PacsConfig c) throws Exception {
        PacsBridge b = PacsBridge.start(c, t -> {});
        open.add(b);
        return b;
    }

    OrthancServer orthanc(String exe, int port) throws Exception {
        OrthancServer o = OrthancServer.start(exe, dir.resolve("orthanc"), port);
        open.add(o);
        return o;
    }

    List<ScanArrived> arrived() throws Exception {
        return EventReader.readAll(BROKER.bootstrapServers(), Map.of(), Topics.SCANS_ARRIVED, ScanArrived.class,
                Duration.ofSeconds(5));
    }

    SyntheticStudy study(Case c, String name, double[] origin) throws Exception {
        return new SyntheticStudy(Tools.requirePydicom(), Tools.script("write_series.py", dir), c, name, List.of(Modality.values()),
                SyntheticStudy.same(new SyntheticStudy.Geometry(new double[] {1, 0, 0, 0, 1, 0}, origin, new double[] {3, 3}, 3)),
                true, dir.resolve("dicom"));
    }

    @Test
    void shouldWaitForOrthancDownAtStartAndMidStreamThenStoreTheSegOnce() throws Exception {
        String exe = Tools.require("Orthanc", "orthanc");
        new CohortGenerator(CohortConfig.of(1, 23).withSpacing(3.0)).generate(dir.resolve("cohort"), r -> {});
        Case c = DatasetScanner.scan(dir.resolve("cohort")).cases().get(0);
        SyntheticStudy first = study(c, "first", new double[] {0, 0, 0});
        SyntheticStudy second = study(c, "second", new double[] {5, 5, 5});
        int port = OrthancServer.freePort();

        // Orthanc down at start: the bridge runs, not ready, and says why
        PacsBridge bridge = bridge(config(port));
        await().atMost(Duration.ofSeconds(30)).until(() -> !bridge.status().ready());
        assertThat(String.join(" ", bridge.status().problems())).contains("no answer from the PACS");

        OrthancServer orthanc = orthanc(exe, port);
        String firstStudy = orthanc.upload(first.allFiles());
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> arrived().size() == 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> bridge.status().ready());
        ScanArrived a = arrived().get(0);
        assertThat(a.scanId()).startsWith("orthanc-" + firstStudy);

        // Orthanc down mid-stream, with a SEG to store: retried, not dropped
        orthanc.close();
        publishCompleted(a, c);
        await().atMost(Duration.ofSeconds(30)).until(() -> !bridge.status().ready());
        Thread.sleep(2000);
        // the failure counters exist from the start at 0: none may have moved
        assertThat(bridge.scrape()).doesNotContain("brainseg_pacs_seg_stored_total 1.0")
                .contains("brainseg_pacs_seg_failed_total{code=\"PACS_REJECTED\"} 0.0")
                .doesNotContainPattern("(?m)^brainseg_pacs_seg_failed_total\\{[^}]*} (?!0\\.0$)");

        // back, with its stored studies: the SEG goes in once, a new study is announced, the first is not repeated
        OrthancServer again = orthanc(exe, port);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> segInstances(again, firstStudy).size() == 1);
        String secondStudy = again.upload(second.allFiles());
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> arrived().size() == 2);
        Thread.sleep(3000);
        assertThat(arrived()).extracting(ScanArrived::scanId).hasSize(2).anyMatch(s -> s.startsWith("orthanc-" + secondStudy))
                .anyMatch(s -> s.startsWith("orthanc-" + firstStudy));
        assertThat(segInstances(again, firstStudy)).hasSize(1);

        // a restart that lost the last position save re-announces that study as the same event (same eventId, same scan id)
        bridge.close();
        PositionFile saved = PositionFile.load(dir.resolve("position.json"));
        new PositionFile(0, Map.of()).save(dir.resolve("position.json"));
        PacsBridge restarted = bridge(config(port));
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> arrived().size() >= 4);
        List<ScanArrived> all = arrived();
        assertThat(all.stream().map(ScanArrived::eventId).distinct()).hasSize(2);
        assertThat(all.stream().map(ScanArrived::scanId).distinct()).hasSize(2);
        await().atMost(Duration.ofSeconds(30)).until(() -> restarted.status().feedPosition() >= saved.since());
        assertThat(segInstances(again, firstStudy)).hasSize(1);
    }

    void publishCompleted(ScanArrived a, Case c) throws Exception {
        Volume truth = NiftiReader.read(c.label()).volume();
        Volume grid = NiftiReader.read(Path.of(a.modalities().t1ce())).volume();
        Path mask = dir.resolve("masks").resolve(a.scanId()).resolve("v1").resolve("mask.nii.gz");
        Files.createDirectories(mask.getParent());
        new NiftiWriter().write(mask, new Volume(grid.nx(), grid.ny(), grid.nz(), truth.data().clone(), grid.affine()),
                NiftiDataType.UINT8);
        SegmentationCompleted done = new SegmentationCompleted(UUID.randomUUID(), a.scanId(), a.eventId(), 1, mask.toUri(),
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(mask))), c.convention(),
                new RegionValues(1, 1, 1, 3, 2, 1), new SegmentationCompleted.Timings(1, 2, 3, 4, 10), "cpu", Instant.now());
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                BROKER.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(Topics.SEGMENTATIONS, a.scanId().getBytes(StandardCharsets.UTF_8), codec.encode(done))).get();
        }
    }

    static List<String> segInstances(OrthancServer o, String study) throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode s : o.get("studies/" + study + "/series")) {
            if ("SEG".equals(s.path("MainDicomTags").path("Modality").asText())) {
                s.path("Instances").forEach(i -> out.add(i.asText()));
            }
        }
        return out;
    }
}
