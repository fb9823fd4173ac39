package org.brainseg.pacs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
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
import org.brainseg.pacs.ingest.ScanSource;
import org.brainseg.pacs.seg.SegmentationBuilderTest;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.RegionValues;
import org.brainseg.schemas.ScanArrived;
import org.brainseg.schemas.SegmentationCompleted;
import org.brainseg.schemas.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.brainseg.pacs.config.PacsConfig;

/**
 * The bridge speaking DICOMweb to Orthanc's DICOMweb plugin (Debian's {@code orthanc-dicomweb}):
 * series listed by QIDO-RS, images read by WADO-RS (metadata and frames), the SEG stored by
 * STOW-RS. An oblique study uploaded with shuffled slices converts as dcm2niix sees it, and its SEG
 * is valid, maps onto the mask, and is stored once when the result is delivered twice.
 */
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class PacsDicomWebIT {
    static final String PLUGIN = "/usr/share/orthanc/plugins/libOrthancDicomWeb.so";

    @RegisterExtension
    static final EmbeddedKafkaExtension BROKER = EmbeddedKafkaExtension.withTopics(TopicsInitializer.newTopics(3, (short) 1));

    final EventCodec codec = new EventCodec();

    @TempDir
    Path dir;

    List<ScanArrived> arrived() throws Exception {
        return EventReader.readAll(BROKER.bootstrapServers(), Map.of(), Topics.SCANS_ARRIVED, ScanArrived.class,
                Duration.ofSeconds(5));
    }

    @Test
    void shouldReadWithWadoRsAndStoreTheSegWithStowRs() throws Exception {
        String exe = Tools.require("Orthanc", "orthanc");
        String plugin = Tools.require(PLUGIN, "orthanc-dicomweb");
        String python = Tools.requirePydicom();
        String dcm2niix = Tools.require("dcm2niix", "dcm2niix");
        String dciodvfy = Tools.require("dciodvfy", "dicom3tools");
        new CohortGenerator(CohortConfig.of(1, 41).withSpacing(3.0)).generate(dir.resolve("cohort"), r -> {});
        Case c = DatasetScanner.scan(dir.resolve("cohort")).cases().get(0);
        SyntheticStudy s = new SyntheticStudy(python, Tools.script("write_series.py", dir), c, "web", List.of(Modality.values()),
                SyntheticStudy.same(new SyntheticStudy.Geometry(PacsBridgeIT.obliqueOrientation(), new double[] {-90, -100, -30},
                        new double[] {3, 2.5}, 3.5)), true, dir.resolve("dicom"));
        Path masks = Files.createDirectories(dir.resolve("masks"));
        try (OrthancServer orthanc = OrthancServer.startWithDicomWeb(exe, dir.resolve("orthanc"), plugin)) {
            String study = orthanc.upload(s.allFiles());
            PacsConfig config = PacsConfig.local(
                    new PacsConfig.Kafka(BROKER.bootstrapServers(), "it-web-" + UUID.randomUUID(), "it-web", Map.of()),
                    OrthancServer.client(orthanc.url(), Duration.ofSeconds(30), "dicom-web/"),
                    new PacsConfig.Store(dir.resolve("scans"), dir.resolve("position.json"), List.of(masks)));
            try (PacsBridge bridge = PacsBridge.start(config, t -> {})) {
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> arrived().size() == 1);
                ScanArrived a = arrived().get(0);
                assertThat(a.scanId()).startsWith("orthanc-" + study);
                ScanSource source = ScanSource.read(Path.of(a.modalities().t1ce()).resolveSibling(ScanSource.FILE));
                // DICOMweb names series by their SeriesInstanceUID
                assertThat(source.series().get("t1ce")).isEqualTo(s.seriesUids.get(Modality.T1CE));

                for (Modality m : List.of(Modality.T1CE, Modality.T2)) {
                    Path out = Files.createDirectories(dir.resolve("dcm2niix-" + m.key()));
                    Tools.Result r = Tools.run(List.of(dcm2niix, "-z", "n", "-b", "n", "-f", "x", "-o", out.toString(),
                            s.seriesDirs.get(m).toString()), 300);
                    assertThat(r.code()).as(r.output()).isZero();
                    PacsBridgeIT.assertSameImage(NiftiReader.read(Path.of(a.modalities().uri(m))).volume(),
                            NiftiReader.read(out.resolve("x.nii")).volume(), s.slope);
                }

                Volume truth = NiftiReader.read(c.label()).volume();
                Volume grid = NiftiReader.read(Path.of(a.modalities().t1ce())).volume();
                Path mask = masks.resolve(a.scanId()).resolve("v2").resolve("mask.nii.gz");
                Files.createDirectories(mask.getParent());
                new NiftiWriter().write(mask, new Volume(grid.nx(), grid.ny(), grid.nz(), truth.data().clone(), grid.affine()),
                        NiftiDataType.UINT8);
                SegmentationCompleted done = new SegmentationCompleted(UUID.randomUUID(), a.scanId(), a.eventId(), 2,
                        mask.toUri(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(mask))),
                        c.convention(), new RegionValues(1, 1, 1, 3, 2, 1), new SegmentationCompleted.Timings(1, 2, 3, 4, 10), "cpu",
                        Instant.parse("2026-12-02T11:00:00Z"));
                publish(done);
                publish(done);
                await().atMost(Duration.ofMinutes(1)).until(() -> bridge.scrape().contains("brainseg_pacs_seg_stored_total 2.0"));
                List<String> seg = PacsBridgeFaultsIT.segInstances(orthanc, study);
                assertThat(seg).hasSize(1);

                Path file = dir.resolve("seg.dcm");
                Files.write(file, orthanc.bytes("instances/" + seg.get(0) + "/file"));
                Tools.Result v = Tools.run(List.of(dciodvfy, file.toString()), 120);
                assertThat(v.output()).as(v.output()).contains("Segmentation").doesNotContain("Error");
                Path bits = dir.resolve("bits.raw");
                Tools.Result r = Tools.run(List.of(python, Tools.script("read_seg.py", dir).toString(), file.toString(),
                        bits.toString()), 120);
                assertThat(r.code()).as(r.output()).isZero();
                JsonNode read = new ObjectMapper().readTree(r.output());
                assertThat(read.path("study").asText()).isEqualTo(s.studyUid);
                assertThat(read.path("seriesDescription").asText()).contains("model v2");
                float[] internal = truth.data().clone();
                for (int i = 0; i < internal.length; i++) {
                    internal[i] = c.convention().toInternal(Math.round(internal[i]));
                }
                SegmentationBuilderTest.assertSegFramesEqualMask(read, Files.readAllBytes(bits),
                        new Volume(grid.nx(), grid.ny(), grid.nz(), internal, grid.affine()), source);
            }
        }
    }

    void publish(SegmentationCompleted e) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                BROKER.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(Topics.SEGMENTATIONS, e.scanId().getBytes(StandardCharsets.UTF_8), codec.encode(e))).get();
        }
    }
}
