package org.brainseg.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.brainseg.client.consume.EventReader;
import org.brainseg.client.submit.ScanSubmitter;
import org.brainseg.imaging.Affine;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.imaging.nifti.NiftiDataType;
import org.brainseg.imaging.nifti.NiftiReader;
import org.brainseg.imaging.nifti.NiftiWriter;
import org.brainseg.model.TinyModels;
import org.brainseg.schemas.ErrorCode;
import org.brainseg.schemas.Event;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.ScanArrived;
import org.brainseg.schemas.ScanFailed;
import org.brainseg.schemas.SegmentationCompleted;
import org.brainseg.schemas.Topics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The bad-input corpus through a real worker on the embedded broker: malformed events, hostile
 * URIs and unusable volumes, interleaved with good scans. Each bad record must yield exactly one
 * ScanFailed with the code the table below names, every good scan exactly one
 * SegmentationCompleted, /health/ready must answer 200 throughout, and a fake patient name held in
 * NIfTI header text must appear in no event and no log line (the worker logs at DEBUG here).
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class BadInputIT extends BrokerFixture {
    /** A name no code path could produce by chance; stored in descrip, aux_file, db_name and intent_name. */
    static final String PATIENT = "Qwyzzle^Brunhilde Xanthippe";

    Path scans;
    final EventCodec codec = new EventCodec();
    final ObjectMapper json = new ObjectMapper();
    final NiftiWriter writer = new NiftiWriter();
    final java.util.concurrent.atomic.AtomicLong slowestProbeMs = new java.util.concurrent.atomic.AtomicLong();

    @BeforeAll
    void setUp(@TempDir Path dir) throws Exception {
        useBroker(dir);
        scans = tmp.resolve("scans");
        cases = Fixtures.cohort(scans, 4, 11);
        model = TinyModels.train(cases, tmp.resolve("models"), 1, 2);
    }


    /** One bad record: what it is, its bytes, and the errorCode its ScanFailed must carry. */
    record Bad(String name, byte[] value, ErrorCode expected) {}

    @Test
    void shouldFailEveryBadInputPreciselyAndKeepServingGoodScans() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger ours = (Logger) LoggerFactory.getLogger("org.brainseg");
        Level before = ours.getLevel();
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        ours.setLevel(Level.DEBUG);
        try (ScanSubmitter s = new ScanSubmitter(kafka.bootstrapServers(), Map.of(), Clock.systemUTC())) {
            run(s, logs);
        } finally {
            root.detachAppender(logs);
            ours.setLevel(before);
        }
    }

    private void run(ScanSubmitter s, ListAppender<ILoggingEvent> logs) throws Exception {
        Case base = cases.get(0);
        ScanArrived template = s.eventFor(base, "template");
        List<ScanArrived> good = new ArrayList<>();
        for (Case c : cases.subList(0, 1)) {
            good.add(s.eventFor(c, "good-" + c.id()));
        }
        good.add(withModality(s.eventFor(base, "good-patient-name"), Modality.T1, withPatientName(base.modalities().get(Modality.T1),
                "named_t1.nii")));
        good.add(withModality(s.eventFor(base, "good-scattered-nan"), Modality.T1, scatteredNonFinite(base)));
        List<Bad> bad = corpus(s, template, base, good.get(0));

        AtomicBoolean polling = new AtomicBoolean(true);
        AtomicInteger readyChecks = new AtomicInteger();
        List<String> notReady = java.util.Collections.synchronizedList(new ArrayList<>());
        Map<String, Bad> bySource = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        try (Worker w = Worker.start(Fixtures.config(kafka.bootstrapServers(), scans, tmp.resolve("masks"), model, 1, 2,
                "it-bad-input"), t -> {})) {
            Thread poller = readinessPoller(w.httpPort(), polling, readyChecks, notReady);
            int g = 0;
            for (int i = 0; i < bad.size(); i++) {
                if (i % 15 == 0 && g < good.size()) {
                    s.submit(List.of(good.get(g++)));
                }
                Bad b = bad.get(i);
                String key = b.expected() == ErrorCode.DUPLICATE_EVENT ? good.get(0).scanId() : "bad-" + b.name();
                RecordMetadata meta = s.submitRaw(key.getBytes(StandardCharsets.UTF_8), b.value());
                bySource.put(meta.partition() + "@" + meta.offset(), b);
            }
            while (g < good.size()) {
                s.submit(List.of(good.get(g++)));
            }
            // the broker itself refuses a 5 MiB event (max.message.bytes 1 MiB): it never reaches a worker
            byte[] fiveMb = hugeString(template, 5 << 20);
            assertThatThrownBy(() -> s.submitRaw("bad-5mb".getBytes(StandardCharsets.UTF_8), fiveMb))
                    .hasRootCauseInstanceOf(RecordTooLargeException.class);

            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() ->
                    failuresBySource(bySource).size() >= bad.size() && completed("good-").size() >= good.size());
            assertThat(w.status().ready()).isTrue();
            polling.set(false);
            poller.join(5_000);
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);

        Map<String, List<ScanFailed>> failures = failuresBySource(bySource);
        List<String> wrong = new ArrayList<>();
        Map<ErrorCode, Integer> byCode = new EnumMap<>(ErrorCode.class);
        bySource.forEach((src, b) -> {
            List<ScanFailed> f = failures.getOrDefault(src, List.of());
            if (f.size() != 1 || f.get(0).errorCode() != b.expected()) {
                wrong.add(b.name() + ": expected one " + b.expected() + ", got " + f.stream()
                        .map(x -> x.errorCode() + " (" + x.message() + ")").toList());
            } else {
                byCode.merge(b.expected(), 1, Integer::sum);
            }
        });
        assertThat(wrong).as("bad inputs without exactly one ScanFailed of the expected code").isEmpty();
        assertThat(failures.values()).allSatisfy(l -> assertThat(l).allSatisfy(f -> {
            assertThat(f.message()).isNotBlank();
            assertThat(f.retriable()).isFalse();
        }));

        List<SegmentationCompleted> done = completed("good-");
        assertThat(done).extracting(SegmentationCompleted::scanId).containsExactlyInAnyOrderElementsOf(
                good.stream().map(ScanArrived::scanId).toList());
        assertThat(completed("bad-")).isEmpty();
        assertThat(notReady).as("/health/ready answers other than 200").isEmpty();
        assertThat(readyChecks.get()).isPositive();

        // scan ids, never header text: not in any event on any output topic, not in any log line
        for (String topic : List.of(Topics.SEGMENTATIONS, Topics.DICE, Topics.SCANS_FAILED)) {
            for (ConsumerRecord<byte[], byte[]> r : all(topic)) {
                assertThat(new String(r.value(), StandardCharsets.UTF_8)).as("event on %s", topic).doesNotContain("Qwyzzle")
                        .doesNotContain("Brunhilde").doesNotContain("Xanthippe");
            }
        }
        List<String> lines = logs.list.stream().map(BadInputIT::render).toList();
        assertThat(lines).noneMatch(l -> l.contains("Qwyzzle") || l.contains("Brunhilde") || l.contains("Xanthippe"));
        assertThat(lines).anyMatch(l -> l.contains("bad-corrupt-named"));
        System.out.printf("bad-input corpus: %d bad records, each one ScanFailed as expected %s; %d good scans completed;"
                + " /health/ready 200 in %d of %d checks (slowest %d ms); %d log lines, none with header text; %d s%n",
                bad.size(), byCode, done.size(), readyChecks.get() - notReady.size(), readyChecks.get(), slowestProbeMs.get(),
                lines.size(), seconds);
    }

    /** The table: every bad input class, the record that carries it and the errorCode it must get. */
    private List<Bad> corpus(ScanSubmitter s, ScanArrived template, Case base, ScanArrived firstGood) throws Exception {
        List<Bad> t = new ArrayList<>();
        // events
        t.add(new Bad("malformed-json", "{\"schemaVersion\":1,\"scanId\":".getBytes(StandardCharsets.UTF_8), ErrorCode.BAD_JSON));
        t.add(new Bad("trailing-data", concat(codec.encode(template), "{}".getBytes(StandardCharsets.UTF_8)), ErrorCode.BAD_JSON));
        t.add(new Bad("deep-nesting", ("{\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}").getBytes(StandardCharsets.UTF_8),
                ErrorCode.BAD_JSON));
        t.add(new Bad("wrong-type-scanId", edit(template, n -> n.put("scanId", 42)), ErrorCode.SCHEMA_VIOLATION));
        t.add(new Bad("wrong-type-modalities", edit(template, n -> n.put("modalities", "t1.nii.gz")), ErrorCode.SCHEMA_VIOLATION));
        t.add(new Bad("missing-eventId", edit(template, n -> n.remove("eventId")), ErrorCode.SCHEMA_VIOLATION));
        t.add(new Bad("missing-images", edit(template, n -> n.remove("modalities")), ErrorCode.SCHEMA_VIOLATION));
        t.add(new Bad("json-array", "[1,2,3]".getBytes(StandardCharsets.UTF_8), ErrorCode.SCHEMA_VIOLATION));
        t.add(new Bad("json-null", "null".getBytes(StandardCharsets.UTF_8), ErrorCode.SCHEMA_VIOLATION));
        t.add(new Bad("huge-string-900k", hugeString(template, 900 << 10), ErrorCode.PAYLOAD_TOO_LARGE));
        t.add(new Bad("huge-array-800k", edit(template, n -> {
            var a = n.putArray("extra");
            for (int i = 0; i < 120_000; i++) {
                a.add(i);
            }
        }), ErrorCode.PAYLOAD_TOO_LARGE));
        t.add(new Bad("long-scanId-60k", edit(template, n -> n.put("scanId", "a".repeat(60_000))), ErrorCode.SCHEMA_VIOLATION));
        t.add(new Bad("unicode-rtl-scanId", edit(template, n -> n.put("scanId", "scan\u202Egpj.exe")), ErrorCode.SCHEMA_VIOLATION));
        t.add(new Bad("unicode-emoji-scanId", edit(template, n -> n.put("scanId", "scan-\uD83E\uDDE0")), ErrorCode.SCHEMA_VIOLATION));
        t.add(new Bad("unicode-nul-scanId", edit(template, n -> n.put("scanId", "scan\u0000x")), ErrorCode.SCHEMA_VIOLATION));
        t.add(new Bad("unpaired-surrogate", new String(codec.encode(template), StandardCharsets.UTF_8)
                .replace("\"template\"", "\"templ\\ud800ate\"").getBytes(StandardCharsets.UTF_8), ErrorCode.BAD_ENCODING));
        t.add(new Bad("non-utf8", concat("{\"scanId\":\"".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xc3, 0x28},
                "\"}".getBytes(StandardCharsets.UTF_8)), ErrorCode.BAD_ENCODING));
        t.add(new Bad("utf16-bytes", new String(codec.encode(template), StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_16),
                ErrorCode.BAD_ENCODING));
        t.add(new Bad("unknown-schemaVersion", edit(template, n -> n.put("schemaVersion", Event.SCHEMA_VERSION + 1)),
                ErrorCode.UNKNOWN_SCHEMA_VERSION));
        t.add(new Bad("empty-payload", new byte[0], ErrorCode.EMPTY_PAYLOAD));
        t.add(new Bad("duplicate-eventId", codec.encode(firstGood), ErrorCode.DUPLICATE_EVENT));
        // URIs (each in the T1 slot of an otherwise good event)
        Path outside = Files.writeString(tmp.resolve("outside.nii.gz"), "x");
        Path linkOut = Files.createSymbolicLink(scans.resolve("link_out_t1.nii.gz"), outside);
        Path linkDev = Files.createSymbolicLink(scans.resolve("link_dev_t1.nii.gz"), Path.of("/dev/zero"));
        Path fifo = scans.resolve("fifo_t1.nii.gz");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        Path dir = Files.createDirectories(scans.resolve("dir_t1.nii.gz"));
        String root = scans.toUri().toString(); // file:///.../scans/
        t.add(uri(template, "uri-http", "http://example.org/t1.nii.gz", ErrorCode.URI_NOT_ALLOWED));
        t.add(uri(template, "uri-s3", "s3://bucket/t1.nii.gz", ErrorCode.URI_NOT_ALLOWED));
        t.add(uri(template, "uri-other-host", "file://pacs.example.org" + scans.resolve("x.nii.gz"), ErrorCode.URI_NOT_ALLOWED));
        // a relative reference is no RFC 3986 URI: the schema refuses it before the store would
        t.add(uri(template, "uri-relative", "scans/t1.nii.gz", ErrorCode.SCHEMA_VIOLATION));
        t.add(uri(template, "uri-dotdot", root + "../outside.nii.gz", ErrorCode.URI_NOT_ALLOWED));
        t.add(uri(template, "uri-encoded-dotdot", root + "%2e%2e/outside.nii.gz", ErrorCode.URI_NOT_ALLOWED));
        t.add(uri(template, "uri-outside-root", outside.toUri().toString(), ErrorCode.URI_NOT_ALLOWED));
        t.add(uri(template, "uri-symlink-out", linkOut.toUri().toString(), ErrorCode.URI_NOT_ALLOWED));
        t.add(uri(template, "uri-dev-zero", "file:///dev/zero", ErrorCode.URI_NOT_ALLOWED));
        t.add(uri(template, "uri-symlink-dev-zero", linkDev.toUri().toString(), ErrorCode.URI_NOT_ALLOWED));
        t.add(uri(template, "uri-fifo", fifo.toUri().toString(), ErrorCode.FILE_MISSING));
        t.add(uri(template, "uri-directory", dir.toUri().toString(), ErrorCode.FILE_MISSING));
        t.add(uri(template, "uri-nonexistent", scans.resolve("nope_t1.nii.gz").toUri().toString(), ErrorCode.FILE_MISSING));
        t.add(new Bad("checksum-mismatch", codec.encode(new ScanArrived(java.util.UUID.randomUUID(), "bad-checksum-mismatch", null,
                template.arrivedAt(), template.modalities(), null, template.labelUri(), template.labelConvention(),
                Map.of("t1", "0".repeat(64)))), ErrorCode.CHECKSUM_MISMATCH));
        // volumes
        Path t1 = base.modalities().get(Modality.T1);
        Volume v = NiftiReader.read(t1).volume();
        byte[] t1Bytes = Files.readAllBytes(t1);
        t.add(volume(template, "truncated", Modality.T1, write("truncated_t1.nii.gz", Arrays.copyOf(t1Bytes, t1Bytes.length / 2)),
                ErrorCode.NIFTI_CORRUPT));
        t.add(volume(template, "gzip-bomb", Modality.T1, write("bomb_t1.nii.gz", gzipBomb()), ErrorCode.NIFTI_CORRUPT));
        t.add(volume(template, "not-nifti", Modality.T1, write("text_t1.nii.gz", "hello".repeat(100).getBytes(StandardCharsets.UTF_8)),
                ErrorCode.NIFTI_CORRUPT));
        Path named = withPatientName(t1, "named_corrupt_t1.nii");
        Files.write(named, Arrays.copyOf(Files.readAllBytes(named), (int) Files.size(named) - 100));
        t.add(volume(template, "corrupt-named", Modality.T1, named, ErrorCode.NIFTI_CORRUPT));
        t.add(volume(template, "shape-mismatch", Modality.T2, vol("small_t2.nii.gz", new Volume(8, 8, 8, filled(512, 50),
                v.affine())), ErrorCode.GEOMETRY_MISMATCH));
        t.add(volume(template, "affine-mismatch", Modality.FLAIR, vol("shifted_flair.nii.gz", new Volume(v.nx(), v.ny(), v.nz(),
                v.data(), v.affine().translateVoxels(0, 0, 2))), ErrorCode.GEOMETRY_MISMATCH));
        t.add(volume(template, "all-zero", Modality.T1CE, vol("zero_t1ce.nii.gz", v.withData(new float[v.size()])),
                ErrorCode.EMPTY_VOLUME));
        t.add(volume(template, "all-nan", Modality.T1, vol("nan_t1.nii.gz", v.withData(filled(v.size(), Float.NaN))),
                ErrorCode.EMPTY_VOLUME));
        t.add(volume(template, "all-inf", Modality.T1, vol("inf_t1.nii.gz", v.withData(filled(v.size(), Float.POSITIVE_INFINITY))),
                ErrorCode.EMPTY_VOLUME));
        Path fourD = scans.resolve("fourd_t1.nii.gz");
        writer.write4d(fourD, new Volume[] {v, v}, NiftiDataType.FLOAT32);
        t.add(volume(template, "4d-modality", Modality.T1, fourD, ErrorCode.NOT_3D));
        Path twoChannels = scans.resolve("two_channels.nii.gz");
        writer.write4d(twoChannels, new Volume[] {v, v}, NiftiDataType.FLOAT32);
        t.add(new Bad("4d-wrong-channels", codec.encode(new ScanArrived(java.util.UUID.randomUUID(), "bad-4d-wrong-channels", null,
                template.arrivedAt(), null, new ScanArrived.Image4d(twoChannels.toUri(), Arrays.asList(Modality.values())), null,
                template.labelConvention(), Map.of())), ErrorCode.WRONG_CHANNELS));
        Volume labels = NiftiReader.read(base.label()).volume();
        float[] ld = labels.data().clone();
        ld[ld.length / 2] = 7;
        Path badLabel = vol("unknown_label_seg.nii.gz", labels.withData(ld));
        t.add(new Bad("label-unknown-value", codec.encode(new ScanArrived(java.util.UUID.randomUUID(), "bad-label-unknown-value", null,
                template.arrivedAt(), template.modalities(), null, badLabel.toUri(), template.labelConvention(), Map.of())),
                ErrorCode.LABEL_OUT_OF_RANGE));
        Map<Modality, Path> huge = new EnumMap<>(Modality.class);
        Map<Modality, Path> singular = new EnumMap<>(Modality.class);
        Map<Modality, Path> oneVoxel = new EnumMap<>(Modality.class);
        for (Modality m : Modality.values()) {
            Volume mv = NiftiReader.read(base.modalities().get(m)).volume();
            huge.put(m, vol("huge_" + m.key() + ".nii.gz", new Volume(mv.nx(), mv.ny(), mv.nz(), mv.data(), Affine.scaling(100, 100, 100))));
            singular.put(m, vol("flat_" + m.key() + ".nii.gz", new Volume(mv.nx(), mv.ny(), mv.nz(), mv.data(), Affine.scaling(3, 3, 0))));
            oneVoxel.put(m, vol("one_" + m.key() + ".nii.gz", new Volume(1, 1, 1, new float[] {100 + m.ordinal()}, mv.affine())));
        }
        t.add(all(template, "field-of-view-metres", huge, ErrorCode.IMPLAUSIBLE_GEOMETRY));
        t.add(all(template, "singular-affine", singular, ErrorCode.IMPLAUSIBLE_GEOMETRY));
        t.add(all(template, "one-voxel", oneVoxel, ErrorCode.IMPLAUSIBLE_GEOMETRY));
        return t;
    }

    private Bad uri(ScanArrived template, String name, String t1, ErrorCode expected) throws Exception {
        return new Bad(name, edit(template, n -> {
            n.put("scanId", "bad-" + name);
            ((ObjectNode) n.get("modalities")).put("t1", t1);
        }), expected);
    }

    private Bad volume(ScanArrived template, String name, Modality m, Path file, ErrorCode expected) throws Exception {
        ScanArrived e = withModality(template, m, file);
        return new Bad(name, codec.encode(new ScanArrived(java.util.UUID.randomUUID(), "bad-" + name, null, e.arrivedAt(), e.modalities(), null,
                e.labelUri(), e.labelConvention(), Map.of())), expected);
    }

    private Bad all(ScanArrived template, String name, Map<Modality, Path> files, ErrorCode expected) throws Exception {
        return new Bad(name, codec.encode(new ScanArrived(java.util.UUID.randomUUID(), "bad-" + name, null, template.arrivedAt(),
                new ScanArrived.Modalities(files.get(Modality.T1).toUri(), files.get(Modality.T1CE).toUri(),
                        files.get(Modality.T2).toUri(), files.get(Modality.FLAIR).toUri()), null, null,
                template.labelConvention(), Map.of())), expected);
    }

    private static ScanArrived withModality(ScanArrived e, Modality m, Path file) {
        ScanArrived.Modalities x = e.modalities();
        URI u = file.toUri();
        // no ground truth: scoring costs seconds and these cases are about the images
        return new ScanArrived(java.util.UUID.randomUUID(), e.scanId(), null, e.arrivedAt(), new ScanArrived.Modalities(
                m == Modality.T1 ? u : x.t1(), m == Modality.T1CE ? u : x.t1ce(), m == Modality.T2 ? u : x.t2(),
                m == Modality.FLAIR ? u : x.flair()), null, null, e.labelConvention(), Map.of());
    }

    /** The event as JSON, changed by {@code change}; a fresh eventId so that only the duplicate case repeats one. */
    private byte[] edit(ScanArrived template, java.util.function.Consumer<ObjectNode> change) throws Exception {
        ObjectNode n = (ObjectNode) json.readTree(codec.encode(template));
        n.put("eventId", java.util.UUID.randomUUID().toString());
        change.accept(n);
        return json.writeValueAsBytes(n);
    }

    private byte[] hugeString(ScanArrived template, int bytes) throws Exception {
        return edit(template, n -> n.put("subjectId", "s".repeat(bytes)));
    }

    /** A copy of a modality whose header text fields hold {@link #PATIENT}: descrip, aux_file, db_name, intent_name. */
    private Path withPatientName(Path source, String name) throws Exception {
        Path plain = scans.resolve(name);
        writer.write(plain, NiftiReader.read(source).volume(), NiftiDataType.FLOAT32);
        byte[] b = Files.readAllBytes(plain);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(bb.getInt(0)).isEqualTo(348);
        putText(b, 148, 80, PATIENT + " DOB 1970-01-01");
        putText(b, 228, 24, PATIENT);
        putText(b, 14, 18, PATIENT);
        putText(b, 328, 16, PATIENT);
        Files.write(plain, b);
        return plain;
    }

    private static void putText(byte[] b, int offset, int len, String text) {
        byte[] t = text.getBytes(StandardCharsets.US_ASCII);
        Arrays.fill(b, offset, offset + len, (byte) 0);
        System.arraycopy(t, 0, b, offset, Math.min(len - 1, t.length));
    }

    private Path scatteredNonFinite(Case base) throws Exception {
        Volume v = NiftiReader.read(base.modalities().get(Modality.T1)).volume().copy();
        for (int i = 0; i < v.size(); i += 97) {
            v.data()[i] = i % 2 == 0 ? Float.NaN : Float.NEGATIVE_INFINITY;
        }
        return vol("scattered_nan_t1.nii.gz", v);
    }

    private Path vol(String name, Volume v) throws Exception {
        Path p = scans.resolve(name);
        writer.write(p, v, NiftiDataType.FLOAT32);
        return p;
    }

    private Path write(String name, byte[] bytes) throws Exception {
        return Files.write(scans.resolve(name), bytes);
    }

    /** A 348-byte header promising 512^3 float32 voxels, then 4 MiB of zeros: ~4 KiB on disk. */
    private static byte[] gzipBomb() throws Exception {
        ByteBuffer h = ByteBuffer.allocate(352).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0, 348);
        h.putShort(40, (short) 3);
        h.putShort(42, (short) 512);
        h.putShort(44, (short) 512);
        h.putShort(46, (short) 512);
        h.putShort(70, (short) 16);
        h.putShort(72, (short) 32);
        h.putFloat(80, 1f);
        h.putFloat(84, 1f);
        h.putFloat(88, 1f);
        h.putFloat(108, 352f);
        h.put(344, (byte) 'n').put(345, (byte) '+').put(346, (byte) '1');
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(h.array());
            gz.write(new byte[4 << 20]);
        }
        return bos.toByteArray();
    }

    private static float[] filled(int n, float x) {
        float[] d = new float[n];
        Arrays.fill(d, x);
        return d;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private Thread readinessPoller(int port, AtomicBoolean polling, AtomicInteger checks, List<String> notReady) {
        // generous timeouts: on a loaded 2-core CI machine a probe may wait seconds for a core; what
        // must not happen is a 503 or no answer at all
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                .timeout(Duration.ofSeconds(10)).build();
        Thread t = new Thread(() -> {
            while (polling.get()) {
                checks.incrementAndGet();
                long t0 = System.nanoTime();
                try {
                    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                    slowestProbeMs.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), Math::max);
                    if (r.statusCode() != 200) {
                        notReady.add(r.statusCode() + " " + r.body());
                    }
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    notReady.add(e.toString());
                }
            }
        }, "ready-poller");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private Map<String, List<ScanFailed>> failuresBySource(Map<String, Bad> sources) throws Exception {
        Map<String, List<ScanFailed>> out = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : all(Topics.SCANS_FAILED)) {
            ScanFailed f = codec.decode(r.value(), ScanFailed.class);
            String src = f.source().partition() + "@" + f.source().offset();
            if (sources.containsKey(src)) {
                out.computeIfAbsent(src, k -> new ArrayList<>()).add(f);
            }
        }
        return out;
    }

    private List<SegmentationCompleted> completed(String prefix) throws Exception {
        List<SegmentationCompleted> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : all(Topics.SEGMENTATIONS)) {
            SegmentationCompleted c = codec.decode(r.value(), SegmentationCompleted.class);
            if (c.scanId().startsWith(prefix)) {
                out.add(c);
            }
        }
        return out;
    }

    private List<ConsumerRecord<byte[], byte[]>> all(String topic) throws Exception {
        try (EventReader r = new EventReader(kafka.bootstrapServers(), Map.of(), topic)) {
            return r.readAll(Duration.ofSeconds(30));
        }
    }

    /** A log event as an operator would see it: the message and every exception message in its chain. */
    private static String render(ILoggingEvent e) {
        StringBuilder sb = new StringBuilder(e.getFormattedMessage());
        for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
            sb.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
        }
        return sb.toString();
    }
}
