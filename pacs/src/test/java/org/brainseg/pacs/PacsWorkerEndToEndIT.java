package org.brainseg.pacs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.brainseg.client.consume.EventReader;
import org.brainseg.client.submit.ScanSubmitter;
import org.brainseg.client.topics.TopicsInitializer;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.DatasetScanner;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.imaging.nifti.NiftiReader;
import org.brainseg.synthetic.CohortConfig;
import org.brainseg.synthetic.CohortGenerator;
import org.brainseg.kafka.embedded.EmbeddedKafkaExtension;
import org.brainseg.pacs.ingest.ScanSource;
import org.brainseg.pacs.seg.SegmentationBuilderTest;
import org.brainseg.schemas.ErrorCode;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.ScanArrived;
import org.brainseg.schemas.SegmentationCompleted;
import org.brainseg.schemas.Topics;
import org.brainseg.worker.Worker;
import org.brainseg.worker.config.WorkerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.brainseg.pacs.config.PacsConfig;
import org.brainseg.model.TinyModels;

/**
 * The whole path with a real worker (a tiny LN U-Net trained for a few steps, as the worker's and
 * viewer's ITs do): DICOM studies uploaded to a real Orthanc end as a DICOM SEG of the worker's mask
 * in the same study, valid for dciodvfy. The same cases also go the file-based way (ScanArrived with
 * the cohort's NIfTI), one at a time, to compare the end-to-end time per study; both go to
 * {@code target/pacs-timings-e2e.txt}.
 */
@Timeout(value = 15, unit = java.util.concurrent.TimeUnit.MINUTES)
class PacsWorkerEndToEndIT {
    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final EmbeddedKafkaExtension BROKER = EmbeddedKafkaExtension.withTopics(TopicsInitializer.newTopics(3, (short) 1));

    final EventCodec codec = new EventCodec();

    @TempDir
    Path dir;

    SegmentationCompleted completed(String scanId) {
        try (EventReader r = new EventReader(BROKER.bootstrapServers(), Map.of(), Topics.SEGMENTATIONS)) {
            for (ConsumerRecord<byte[], byte[]> rec : r.readAll(Duration.ofSeconds(5))) {
                SegmentationCompleted s = codec.decode(rec.value(), SegmentationCompleted.class);
                if (s.scanId().equals(scanId)) {
                    return s;
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return null;
    }

    String pacsScanId(String study) {
        try (EventReader r = new EventReader(BROKER.bootstrapServers(), Map.of(), Topics.SCANS_ARRIVED)) {
            for (ConsumerRecord<byte[], byte[]> rec : r.readAll(Duration.ofSeconds(5))) {
                ScanArrived a = codec.decode(rec.value(), ScanArrived.class);
                if (a.scanId().startsWith("orthanc-" + study)) {
                    return a.scanId();
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return null;
    }

    @Test
    void shouldTurnAnUploadedStudyIntoASegOfTheWorkersMask() throws Exception {
        String exe = Tools.require("Orthanc", "orthanc");
        String python = Tools.requirePydicom();
        String dciodvfy = Tools.require("dciodvfy", "dicom3tools");
        new CohortGenerator(CohortConfig.of(4, 31).withSpacing(3.0)).generate(dir.resolve("cohort"), r -> {});
        List<Case> cases = DatasetScanner.scan(dir.resolve("cohort")).cases();
        Path model = TinyModels.train(cases, dir.resolve("models"), 1, 4);
        Path scans = Files.createDirectories(dir.resolve("scans"));
        Path masks = Files.createDirectories(dir.resolve("masks"));
        List<String> timings = new ArrayList<>();
        try (OrthancServer orthanc = OrthancServer.start(exe, dir.resolve("orthanc"));
                Worker worker = Worker.start(WorkerConfig.local(BROKER.bootstrapServers(), "it-e2e-worker", dir,
                        masks, model, 1, 1, 1), t -> {});
                PacsBridge bridge = PacsBridge.start(PacsConfig.local(
                        new PacsConfig.Kafka(BROKER.bootstrapServers(), "it-e2e-pacs-" + UUID.randomUUID(), "it-e2e-pacs", Map.of()),
                        orthanc.client(), new PacsConfig.Store(scans.resolve("pacs"), dir.resolve("position.json"), List.of(masks))),
                        t -> {});
                ScanSubmitter submitter = new ScanSubmitter(BROKER.bootstrapServers(), Map.of(), Clock.systemUTC())) {
            Path script = Tools.script("write_series.py", dir);
            for (int n = 0; n < 2; n++) {
                Case c = cases.get(n);
                // the file-based path first: ScanArrived with the cohort's files, to SegmentationCompleted
                String fileScan = "file-" + c.id();
                long f0 = System.nanoTime();
                submitter.submit(List.of(submitter.eventFor(c, fileScan)));
                await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(100)).until(() -> completed(fileScan) != null);
                double fileSeconds = (System.nanoTime() - f0) / 1e9;

                // the PACS path: upload to SEG stored in the study
                SyntheticStudy s = new SyntheticStudy(python, script, c, "e2e-" + n, List.of(Modality.values()),
                        SyntheticStudy.same(new SyntheticStudy.Geometry(n == 0 ? new double[] {1, 0, 0, 0, 1, 0}
                                : PacsBridgeIT.obliqueOrientation(), new double[] {-120, -110, -70}, new double[] {3, 3}, 3)),
                        n == 1, dir.resolve("dicom"));
                long p0 = System.nanoTime();
                String study = orthanc.upload(s.allFiles());
                double uploadSeconds = (System.nanoTime() - p0) / 1e9;
                await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(100))
                        .until(() -> PacsBridgeFaultsIT.segInstances(orthanc, study).size() == 1);
                double pacsSeconds = (System.nanoTime() - p0) / 1e9;
                String scanId = pacsScanId(study);
                SegmentationCompleted done = completed(scanId);
                timings.add(String.format(Locale.ROOT, "case %s (%d images): PACS upload to SEG stored %.1f s (upload %.1f s, "
                        + "Orthanc StableAge 1 s, inference %d ms); file-based ScanArrived to SegmentationCompleted %.1f s "
                        + "(inference %d ms)", c.id(), s.allFiles().size(), pacsSeconds, uploadSeconds, done.timingsMs().infer(),
                        fileSeconds, completed(fileScan).timingsMs().infer()));

                // the SEG holds the worker's mask, frame for frame, and is valid
                Path seg = dir.resolve("seg-" + n + ".dcm");
                Files.write(seg, orthanc.bytes("instances/" + PacsBridgeFaultsIT.segInstances(orthanc, study).get(0) + "/file"));
                Tools.Result v = Tools.run(List.of(dciodvfy, seg.toString()), 120);
                assertThat(v.output()).as(v.output()).contains("Segmentation").doesNotContain("Error");
                Path bits = dir.resolve("bits-" + n + ".raw");
                Tools.Result r = Tools.run(List.of(python, Tools.script("read_seg.py", dir).toString(), seg.toString(),
                        bits.toString()), 120);
                assertThat(r.code()).as(r.output()).isZero();
                Volume mask = NiftiReader.read(Path.of(done.maskUri())).volume();
                float[] internal = mask.data().clone();
                for (int i = 0; i < internal.length; i++) {
                    internal[i] = done.labelConvention().toInternal(Math.round(internal[i]));
                }
                JsonNode read = JSON.readTree(r.output());
                ScanSource source = ScanSource.read(scans.resolve("pacs").resolve(scanId).resolve(ScanSource.FILE));
                SegmentationBuilderTest.assertSegFramesEqualMask(read, Files.readAllBytes(bits), mask.withData(internal), source);
            }
            String scrape = get("http://127.0.0.1:" + bridge.httpPort() + "/metrics");
            Files.writeString(Path.of("target", "pacs-bridge-metrics.txt"), scrape);
            // seen counts each StableStudy change: a study is stable again once its SEG is stored in it (not announced twice)
            assertThat(scrape).contains("brainseg_pacs_studies_published_total 2.0", "brainseg_pacs_seg_stored_total 2.0",
                    "brainseg_pacs_conversion_seconds_count 2").containsPattern("(?m)^brainseg_pacs_studies_seen_total [2-4]\\.0$");
            assertExportsWhatMonitoringReads(scrape);
        } finally {
            Files.write(Path.of("target", "pacs-timings-e2e.txt"), timings);
        }
    }

    /**
     * Every {@code brainseg_pacs_*} series that monitoring/ (alert rules, dashboard) reads is in the
     * bridge's scrape, and the {@code code} label the rules group by is on its failure counters
     * from the start (at zero), so an alert's increase() sees the first failure.
     */
    static void assertExportsWhatMonitoringReads(String scrape) throws Exception {
        Path monitoring = Path.of("..", "monitoring");
        String rules = Files.readString(monitoring.resolve("rules/brainseg.rules.yml"));
        String dashboard = Files.readString(monitoring.resolve("grafana/dashboards/brainseg.json"));
        Set<String> used = new TreeSet<>();
        Matcher m = Pattern.compile("brainseg_pacs_[a-z_]+").matcher(rules + dashboard);
        while (m.find()) {
            used.add(m.group());
        }
        assertThat(used).as("PACS series read in monitoring/").hasSizeGreaterThanOrEqualTo(6);
        Set<String> exported = scrape.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                .map(l -> l.split("[{ ]", 2)[0]).collect(Collectors.toCollection(TreeSet::new));
        assertThat(exported).as("the bridge's series").containsAll(used);
        assertThat(rules).contains("sum by (code) (increase(brainseg_pacs_studies_failed_total",
                "sum by (code) (increase(brainseg_pacs_seg_failed_total");
        for (ErrorCode c : PacsMetrics.STUDY_FAILURE_CODES) {
            assertThat(scrape).contains("brainseg_pacs_studies_failed_total{code=\"" + c.name() + "\"} 0.0");
        }
        for (String c : PacsMetrics.SEG_FAILURE_CODES) {
            assertThat(scrape).contains("brainseg_pacs_seg_failed_total{code=\"" + c + "\"} 0.0");
        }
    }

    static String get(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url).isEqualTo(200);
        return r.body();
    }
}
