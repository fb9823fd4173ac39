package org.brainseg.pacs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.brainseg.client.consume.EventReader;
import org.brainseg.client.topics.TopicsInitializer;
import org.brainseg.imaging.Affine;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.CaseLoader;
import org.brainseg.imaging.dataset.LoadedCase;
import org.brainseg.imaging.dataset.DatasetScanner;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.imaging.nifti.NiftiDataType;
import org.brainseg.imaging.nifti.NiftiReader;
import org.brainseg.imaging.nifti.NiftiWriter;
import org.brainseg.synthetic.CohortConfig;
import org.brainseg.synthetic.CohortGenerator;
import org.brainseg.kafka.embedded.EmbeddedKafkaExtension;
import org.brainseg.pacs.dicom.CaseStudy;
import org.brainseg.pacs.dicom.MrSeriesWriter;
import org.brainseg.pacs.ingest.ScanSource;
import org.brainseg.pacs.ingest.StudyIngester;
import org.brainseg.pacs.orthanc.OrthancClient;
import org.brainseg.pacs.source.OrthancRestSource;
import org.brainseg.pacs.rules.SeriesRules;
import org.brainseg.pacs.seg.SegmentationBuilderTest;
import org.brainseg.schemas.ErrorCode;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.RegionValues;
import org.brainseg.schemas.ScanArrived;
import org.brainseg.schemas.ScanFailed;
import org.brainseg.schemas.SegmentationCompleted;
import org.brainseg.schemas.Topics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.brainseg.pacs.config.PacsConfig;

/**
 * The bridge against a real Orthanc (Debian's package, started by the test) and the embedded
 * broker: DICOM studies written by pydicom from synthetic cases (one axial uploaded in order,
 * one oblique uploaded with its slices shuffled, one lacking FLAIR, one whose FLAIR is on another
 * grid) go in; ScanArrived and ScanFailed come out; the NIfTI agree with dcm2niix; a
 * SegmentationCompleted comes back as a DICOM SEG in the study, valid for dciodvfy, read by
 * pydicom frame for frame onto the mask, stored once however often it is delivered; a restarted
 * bridge neither repeats nor skips a study. Skipped where Orthanc is absent and CI is not set.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class PacsBridgeIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path TIMINGS = Path.of("target", "pacs-timings.txt");

    @RegisterExtension
    static final EmbeddedKafkaExtension BROKER = EmbeddedKafkaExtension.withTopics(TopicsInitializer.newTopics(3, (short) 1));

    final EventCodec codec = new EventCodec();
    Path dir;
    String python;
    OrthancServer orthanc;
    PacsBridge bridge;
    PacsConfig config;
    List<Case> cases;
    SyntheticStudy axial;
    SyntheticStudy oblique;
    String axialStudy;
    String obliqueStudy;
    String threeSeriesStudy;
    String mixedStudy;
    final List<String> timings = new ArrayList<>();

    @BeforeAll
    void setUp(@TempDir Path tmp) throws Exception {
        String orthancExe = Tools.require("Orthanc", "orthanc");
        python = Tools.requirePydicom();
        dir = tmp;
        orthanc = OrthancServer.start(orthancExe, dir.resolve("orthanc"));
        new CohortGenerator(CohortConfig.of(2, 16).withSpacing(3.0)).generate(dir.resolve("cohort"), r -> {});
        cases = DatasetScanner.scan(dir.resolve("cohort")).cases();
        Path script = Tools.script("write_series.py", dir);
        Path dicom = dir.resolve("dicom");
        axial = new SyntheticStudy(python, script, cases.get(0), "axial", List.of(Modality.values()), SyntheticStudy.same(
                new SyntheticStudy.Geometry(new double[] {1, 0, 0, 0, 1, 0}, new double[] {-120, -110, -70}, new double[] {3, 3}, 3)),
                false, dicom);
        oblique = new SyntheticStudy(python, script, cases.get(1), "oblique", List.of(Modality.values()), SyntheticStudy.same(
                new SyntheticStudy.Geometry(obliqueOrientation(), new double[] {-100.25, -130.5, -40}, new double[] {2.5, 3}, 3.5)),
                true, dicom);
        SyntheticStudy three = new SyntheticStudy(python, script, cases.get(0), "three", List.of(Modality.T1, Modality.T1CE,
                Modality.T2), SyntheticStudy.same(new SyntheticStudy.Geometry(new double[] {1, 0, 0, 0, 1, 0},
                        new double[] {0, 0, 0}, new double[] {3, 3}, 3)), false, dicom);
        Map<Modality, SyntheticStudy.Geometry> mixedGeometry = SyntheticStudy.same(new SyntheticStudy.Geometry(
                new double[] {1, 0, 0, 0, 1, 0}, new double[] {0, 0, 0}, new double[] {3, 3}, 3));
        mixedGeometry.put(Modality.FLAIR, new SyntheticStudy.Geometry(new double[] {1, 0, 0, 0, 1, 0}, new double[] {0, 0, 0},
                new double[] {2.9, 3}, 3));
        SyntheticStudy mixed = new SyntheticStudy(python, script, cases.get(1), "mixed", List.of(Modality.values()), mixedGeometry,
                false, dicom);

        // malformed DICOM never reaches the bridge: Orthanc refuses it at the door
        assertThat(orthanc.uploadRaw("this is not DICOM".getBytes(StandardCharsets.UTF_8))).isEqualTo(400);
        long t0 = System.nanoTime();
        axialStudy = orthanc.upload(axial.allFiles());
        obliqueStudy = orthanc.upload(oblique.allFiles());
        threeSeriesStudy = orthanc.upload(three.allFiles());
        mixedStudy = orthanc.upload(mixed.allFiles());
        long uploaded = System.nanoTime();
        Files.createDirectories(dir.resolve("masks"));
        config = config();
        bridge = PacsBridge.start(config, t -> {});
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(200))
                .until(() -> arrived().size() == 2 && failed().size() == 2);
        long announced = System.nanoTime();
        timings.add(String.format(java.util.Locale.ROOT, "upload of 4 studies (%d DICOM files): %.1f s; bridge start to 2 ScanArrived"
                + " + 2 ScanFailed: %.1f s (includes Orthanc's StableAge of 1 s)", axial.allFiles().size()
                + oblique.allFiles().size() + three.allFiles().size() + mixed.allFiles().size(), (uploaded - t0) / 1e9,
                (announced - uploaded) / 1e9));
    }

    static double[] obliqueOrientation() {
        double a = Math.toRadians(20);
        double b = Math.toRadians(-12);
        return new double[] {Math.cos(b), Math.sin(b), 0, -Math.sin(b) * Math.cos(a), Math.cos(b) * Math.cos(a), Math.sin(a)};
    }

    PacsConfig config() {
        return PacsConfig.local(new PacsConfig.Kafka(BROKER.bootstrapServers(), "it-pacs-" + UUID.randomUUID(), "it-pacs", Map.of()),
                orthanc.client(), new PacsConfig.Store(dir.resolve("scans"), dir.resolve("state").resolve("position.json"),
                        List.of(dir.resolve("masks"))));
    }

    @AfterAll
    void tearDown() throws Exception {
        if (bridge != null) {
            bridge.close();
        }
        if (orthanc != null) {
            orthanc.close();
        }
        if (!timings.isEmpty()) {
            Files.write(TIMINGS, timings);
        }
    }

    List<ScanArrived> arrived() throws Exception {
        return EventReader.readAll(BROKER.bootstrapServers(), Map.of(), Topics.SCANS_ARRIVED, ScanArrived.class,
                Duration.ofSeconds(5));
    }

    List<ScanFailed> failed() throws Exception {
        return EventReader.readAll(BROKER.bootstrapServers(), Map.of(), Topics.SCANS_FAILED, ScanFailed.class,
                Duration.ofSeconds(5));
    }

    List<ConsumerRecord<byte[], byte[]>> read(String topic) {
        try (EventReader r = new EventReader(BROKER.bootstrapServers(), Map.of(), topic)) {
            return r.readAll(Duration.ofSeconds(5));
        }
    }

    ScanArrived arrivedFor(String study) throws Exception {
        List<ScanArrived> a = arrived().stream().filter(e -> e.scanId().startsWith("orthanc-" + study + "-")).toList();
        assertThat(a).hasSize(1);
        return a.get(0);
    }

    @Test
    @Order(1)
    void shouldPublishOneScanArrivedPerStudyNamingTheOrthancStudyNeverThePatient() throws Exception {
        List<ConsumerRecord<byte[], byte[]>> records = read(Topics.SCANS_ARRIVED);
        assertThat(records).hasSize(2);
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String json = new String(r.value(), StandardCharsets.UTF_8);
            assertThat(json).doesNotContain("Doe").doesNotContain("SECRET42").doesNotContain("19700101");
        }
        for (String study : List.of(axialStudy, obliqueStudy)) {
            ScanArrived a = arrivedFor(study);
            assertThat(a.sha256()).containsOnlyKeys("t1", "t1ce", "t2", "flair");
            Path sourceFile = Path.of(a.modalities().t1()).resolveSibling(ScanSource.FILE);
            assertThat(ScanSource.read(sourceFile).orthancStudy()).isEqualTo(study);
            assertThat(Files.readString(sourceFile)).doesNotContain("Doe").doesNotContain("SECRET42");
        }
    }

    @Test
    @Order(2)
    void shouldReportAStudyLackingAModalityAndOneWithMixedGeometry() throws Exception {
        Map<String, ScanFailed> byStudy = new java.util.HashMap<>();
        for (ScanFailed f : failed()) {
            assertThat(f.source().topic()).isEqualTo("pacs.orthanc.changes");
            assertThat(f.payload() + f.message()).doesNotContain("Doe").doesNotContain("SECRET42");
            byStudy.put(f.scanId().substring("orthanc-".length(), "orthanc-".length() + threeSeriesStudy.length()), f);
        }
        assertThat(byStudy.get(threeSeriesStudy).errorCode()).isEqualTo(ErrorCode.SERIES_MISSING);
        assertThat(byStudy.get(threeSeriesStudy).message()).contains("no series for flair");
        assertThat(byStudy.get(mixedStudy).errorCode()).isEqualTo(ErrorCode.GEOMETRY_MISMATCH);
        assertThat(byStudy.get(mixedStudy).message()).contains("flair");
    }

    @Test
    @Order(3)
    void shouldAgreeWithDcm2niixOnAffineAndVoxels() throws Exception {
        String dcm2niix = Tools.require("dcm2niix", "dcm2niix");
        for (SyntheticStudy s : List.of(axial, oblique)) {
            String study = s == axial ? axialStudy : obliqueStudy;
            ScanArrived a = arrivedFor(study);
            for (Modality m : List.of(Modality.T1CE, Modality.FLAIR)) {
                Path out = Files.createDirectories(dir.resolve("dcm2niix").resolve(study + "-" + m.key()));
                Tools.Result r = Tools.run(List.of(dcm2niix, "-z", "n", "-b", "n", "-f", "x", "-o", out.toString(),
                        s.seriesDirs.get(m).toString()), 300);
                assertThat(r.code()).as(r.output()).isZero();
                Volume theirs = NiftiReader.read(out.resolve("x.nii")).volume();
                Volume ours = NiftiReader.read(Path.of(a.modalities().uri(m))).volume();
                assertSameImage(ours, theirs, s.slope);
            }
        }
    }

    /** Every voxel of ours lands on a voxel centre of theirs (through both affines) and has its value. */
    static void assertSameImage(Volume ours, Volume theirs, double slope) {
        assertSameImage(ours, theirs, slope, 0);
    }

    /** As above, with an extra absolute tolerance on the values (half a slope step for an image quantized to 16 bits). */
    static void assertSameImage(Volume ours, Volume theirs, double slope, double absolute) {
        assertThat(ours.size()).isEqualTo(theirs.size());
        double[][] inv = inverse(theirs.affine());
        for (int k = 0; k < ours.nz(); k++) {
            for (int j = 0; j < ours.ny(); j++) {
                for (int i = 0; i < ours.nx(); i++) {
                    double[] w = ours.affine().apply(i, j, k);
                    int[] v = new int[3];
                    for (int r = 0; r < 3; r++) {
                        double x = inv[r][0] * w[0] + inv[r][1] * w[1] + inv[r][2] * w[2] + inv[r][3];
                        v[r] = (int) Math.round(x);
                        if (Math.abs(x - v[r]) > 0.01) {
                            throw new AssertionError("voxel (" + i + "," + j + "," + k + ") of ours is at " + java.util.Arrays
                                    .toString(w) + ", " + x + " in dcm2niix's axis " + r + ": not a voxel centre");
                        }
                    }
                    float ov = ours.get(i, j, k);
                    float tv = theirs.get(v[0], v[1], v[2]);
                    if (Math.abs(ov - tv) > 1e-3 * Math.max(1, Math.abs(ov)) + slope * 1e-3 + absolute) {
                        throw new AssertionError("voxel (" + i + "," + j + "," + k + "): ours " + ov + ", dcm2niix " + tv
                                + " at " + java.util.Arrays.toString(v));
                    }
                }
            }
        }
    }

    static double[][] inverse(Affine a) {
        double[][] m = a.rows();
        double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
        double[][] r = new double[3][4];
        r[0][0] = (m[1][1] * m[2][2] - m[1][2] * m[2][1]) / det;
        r[0][1] = (m[0][2] * m[2][1] - m[0][1] * m[2][2]) / det;
        r[0][2] = (m[0][1] * m[1][2] - m[0][2] * m[1][1]) / det;
        r[1][0] = (m[1][2] * m[2][0] - m[1][0] * m[2][2]) / det;
        r[1][1] = (m[0][0] * m[2][2] - m[0][2] * m[2][0]) / det;
        r[1][2] = (m[0][2] * m[1][0] - m[0][0] * m[1][2]) / det;
        r[2][0] = (m[1][0] * m[2][1] - m[1][1] * m[2][0]) / det;
        r[2][1] = (m[0][1] * m[2][0] - m[0][0] * m[2][1]) / det;
        r[2][2] = (m[0][0] * m[1][1] - m[0][1] * m[1][0]) / det;
        for (int i = 0; i < 3; i++) {
            r[i][3] = -(r[i][0] * m[0][3] + r[i][1] * m[1][3] + r[i][2] * m[2][3]);
        }
        return r;
    }

    @Test
    @Order(4)
    void shouldStoreAValidSegInTheStudyOnceHoweverOftenTheResultIsDelivered() throws Exception {
        String dciodvfy = Tools.require("dciodvfy", "dicom3tools");
        ScanArrived a = arrivedFor(obliqueStudy);
        Case c = cases.get(1);
        // the mask: the case's ground truth on the converted grid (voxel (i, j, k) of the case is voxel (i, j, k) here)
        Volume truth = NiftiReader.read(c.label()).volume();
        Volume grid = NiftiReader.read(Path.of(a.modalities().t1ce())).volume();
        Path mask = dir.resolve("masks").resolve(a.scanId()).resolve("v1").resolve(a.scanId() + "_seg.nii.gz");
        Files.createDirectories(mask.getParent());
        new NiftiWriter().write(mask, new Volume(grid.nx(), grid.ny(), grid.nz(), truth.data().clone(), grid.affine()),
                NiftiDataType.UINT8);
        SegmentationCompleted done = new SegmentationCompleted(UUID.randomUUID(), a.scanId(), a.eventId(), 1, mask.toUri(),
                sha256(mask), c.convention(), new RegionValues(1, 1, 1, 3, 2, 1), new SegmentationCompleted.Timings(1, 2, 3, 4, 10),
                "cpu", Instant.parse("2026-12-02T10:00:00Z"));
        long t0 = System.nanoTime();
        publish(done);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).until(() -> segInstances(obliqueStudy).size() == 1);
        timings.add(String.format(java.util.Locale.ROOT, "SegmentationCompleted published to SEG stored in Orthanc: %.2f s",
                (System.nanoTime() - t0) / 1e9));
        String instance = segInstances(obliqueStudy).get(0);
        Path seg = dir.resolve("seg.dcm");
        Files.write(seg, orthanc.bytes("instances/" + instance + "/file"));
        Files.copy(seg, Path.of("target", "pacs-it-seg.dcm"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        Tools.Result v = Tools.run(List.of(dciodvfy, seg.toString()), 120);
        Files.writeString(Path.of("target", "pacs-it-dciodvfy.txt"), v.output());
        assertThat(v.output()).as(v.output()).contains("Segmentation").doesNotContain("Error");

        Path bits = dir.resolve("seg-bits.raw");
        Tools.Result r = Tools.run(List.of(python, Tools.script("read_seg.py", dir).toString(), seg.toString(), bits.toString()), 120);
        assertThat(r.code()).as(r.output()).isZero();
        JsonNode read = JSON.readTree(r.output());
        ScanSource source = ScanSource.read(Path.of(a.modalities().t1ce()).resolveSibling(ScanSource.FILE));
        assertThat(read.path("study").asText()).isEqualTo(oblique.studyUid);
        assertThat(read.path("frameOfReference").asText()).isEqualTo(oblique.studyUid + ".99");
        assertThat(read.path("referencedSeries").asText()).isEqualTo(oblique.seriesUids.get(Modality.T1CE));
        assertThat(read.path("seriesDescription").asText()).contains("model v1");
        float[] internal = truth.data().clone();
        for (int i = 0; i < internal.length; i++) {
            internal[i] = c.convention().toInternal(Math.round(internal[i]));
        }
        SegmentationBuilderTest.assertSegFramesEqualMask(read, Files.readAllBytes(bits),
                new Volume(grid.nx(), grid.ny(), grid.nz(), internal, grid.affine()), source);

        // redelivered (a consumer rewound, a worker's redo): the same SEG, stored once
        publish(done);
        publish(done);
        await().atMost(Duration.ofMinutes(1)).until(() -> bridge.scrape().contains("brainseg_pacs_seg_stored_total 3.0"));
        assertThat(segInstances(obliqueStudy)).containsExactly(instance);
    }

    List<String> segInstances(String study) throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode s : orthanc.get("studies/" + study + "/series")) {
            if ("SEG".equals(s.path("MainDicomTags").path("Modality").asText())) {
                s.path("Instances").forEach(i -> out.add(i.asText()));
            }
        }
        return out;
    }

    @Test
    @Order(5)
    void shouldNeitherRepeatNorSkipAStudyAcrossARestart() throws Exception {
        // the SEG stored above made the oblique study stable again: same four series, not announced again
        await().atMost(Duration.ofSeconds(30)).until(() -> orthanc.get("changes?since=0&limit=100000").path("Last").asLong()
                <= bridge.status().feedPosition());
        bridge.close();
        // while the bridge is down a new study arrives
        Path script = Tools.script("write_series.py", dir);
        SyntheticStudy later = new SyntheticStudy(python, script, cases.get(0), "later", List.of(Modality.values()),
                SyntheticStudy.same(new SyntheticStudy.Geometry(new double[] {0, 1, 0, 0, 0, -1}, new double[] {10, -120, 90},
                        new double[] {3, 3}, 3)), true, dir.resolve("dicom"));
        String laterStudy = orthanc.upload(later.allFiles());
        bridge = PacsBridge.start(config, t -> {});
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> arrived().size() == 3);
        Thread.sleep(3000); // any repeat would come now
        assertThat(arrived()).hasSize(3);
        assertThat(failed()).hasSize(2);
        assertThat(arrivedFor(laterStudy).scanId()).startsWith("orthanc-" + laterStudy);
        assertThat(arrivedFor(axialStudy)).isNotNull();
        assertThat(arrivedFor(obliqueStudy)).isNotNull();
    }

    @Test
    @Order(6)
    void shouldReportSeriesOverTheSizeLimitsBeforeFetchingTheirPixels() throws Exception {
        bridge.close();
        java.util.Set<UUID> before = new java.util.HashSet<>(failed().stream().map(ScanFailed::eventId).toList());
        // 52 images of 80 x 80 per series: one image too many, then one slice's voxels too many
        for (PacsConfig.Series limits : List.of(new PacsConfig.Series(SeriesRules.DEFAULTS, 51, PacsConfig.Series.DEFAULT_MAX_VOXELS),
                new PacsConfig.Series(SeriesRules.DEFAULTS, PacsConfig.Series.DEFAULT_MAX_SLICES, 80L * 80 * 51))) {
            PacsConfig c = new PacsConfig(new PacsConfig.Kafka(BROKER.bootstrapServers(), "it-pacs-" + UUID.randomUUID(),
                    "it-pacs-limits", Map.of()), config.orthanc(), new PacsConfig.Store(dir.resolve("scans-limits"),
                    dir.resolve("state").resolve("limits-" + limits.maxSlices() + ".json"), List.of()), limits,
                    new PacsConfig.Results(false, PacsConfig.Results.DEFAULT_SERIES_NUMBER), config.http());
            int expected = failed().size() + 5; // 3 good studies and the mixed one too large; the three-series one SERIES_MISSING
            try (PacsBridge b = PacsBridge.start(c, t -> {})) {
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> failed().size() >= expected);
            }
        }
        // records of three partitions do not come back in publishing order: the new ones by event id
        List<ScanFailed> added = failed().stream().filter(f -> !before.contains(f.eventId())).toList();
        assertThat(added).hasSize(10);
        assertThat(added).filteredOn(f -> f.errorCode() == ErrorCode.SERIES_TOO_LARGE).hasSize(8)
                .anyMatch(f -> f.message().contains("52 images, over the limit of 51 (series.maxSlices)"))
                .anyMatch(f -> f.message().contains("80x80x52 voxels, over the limit of 326400 (series.maxVoxels)"));
        assertThat(added).filteredOn(f -> f.errorCode() == ErrorCode.SERIES_MISSING).hasSize(2);
        assertThat(arrived()).hasSize(3);
        assertThat(dir.resolve("scans-limits")).isEmptyDirectory();
    }

    @Test
    @Order(7)
    void shouldWriteCasesAsDicomThatDcm2niixAndTheBridgeReadBackVoxelForVoxel() throws Exception {
        String dcm2niix = Tools.require("dcm2niix", "dcm2niix");
        Case c = cases.get(1);
        CaseStudy written = CaseStudy.of(c, "writer-check");
        OrthancClient client = new OrthancClient(config.orthanc());
        String study = written.upload(client);
        StudyIngester ingester = new StudyIngester(new OrthancRestSource(client), new SeriesRules(SeriesRules.DEFAULTS),
                new StudyIngester.Limits(1024, 64L << 20), dir.resolve("scans-writer"), java.time.Clock.systemUTC());
        ScanArrived a = ingester.convert(study, ingester.select(ingester.seriesOf(study))).event();
        LoadedCase source = new CaseLoader().load(c);
        for (Modality m : Modality.values()) {
            Volume original = source.channel(m);
            double max = 0;
            for (float f : original.data()) {
                max = Math.max(max, Math.abs(f));
            }
            double halfStep = max / MrSeriesWriter.FULL_SCALE / 2 * 1.001;
            Path series = Files.createDirectories(dir.resolve("writer").resolve(m.key()));
            List<byte[]> files = written.series(m);
            for (int i = 0; i < files.size(); i++) {
                Files.write(series.resolve(String.format(java.util.Locale.ROOT, "%04d.dcm", i)), files.get(i));
            }
            Path out = Files.createDirectories(dir.resolve("writer-dcm2niix").resolve(m.key()));
            Tools.Result r = Tools.run(List.of(dcm2niix, "-z", "n", "-b", "n", "-f", "x", "-o", out.toString(), series.toString()), 300);
            assertThat(r.code()).as(r.output()).isZero();
            Volume theirs = NiftiReader.read(out.resolve("x.nii")).volume();
            Volume ours = NiftiReader.read(Path.of(a.modalities().uri(m))).volume();
            assertSameImage(original, theirs, 0, halfStep); // the writer: geometry exact, values within half a 16-bit step
            assertSameImage(ours, theirs, 0, 1e-6 * max); // the bridge reads it as dcm2niix does
        }
    }

    void publish(SegmentationCompleted e) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                BROKER.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(Topics.SEGMENTATIONS, e.scanId().getBytes(StandardCharsets.UTF_8), codec.encode(e))).get();
        }
    }

    static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    static URI uri(Path p) {
        return p.toUri();
    }
}
