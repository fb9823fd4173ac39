package org.brainseg.viewer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.brainseg.client.submit.ScanSubmitter;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.DatasetScanner;
import org.brainseg.imaging.labels.LabelConvention;
import org.brainseg.imaging.nifti.NiftiDataType;
import org.brainseg.imaging.nifti.NiftiReader;
import org.brainseg.imaging.nifti.NiftiWriter;
import org.brainseg.schemas.DiceReported;
import org.brainseg.schemas.ErrorCode;
import org.brainseg.schemas.Event;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.Hd95Values;
import org.brainseg.schemas.RegionValues;
import org.brainseg.schemas.ScanArrived;
import org.brainseg.schemas.ScanFailed;
import org.brainseg.schemas.SegmentationCompleted;
import org.brainseg.schemas.Topics;
import org.brainseg.synthetic.CohortConfig;
import org.brainseg.synthetic.CohortGenerator;

/**
 * Real events about a real synthetic cohort, as a worker would publish them: ScanArrived with the
 * cohort's files, SegmentationCompleted whose mask is the case's ground truth (so the test knows
 * where the tumour is) written where the worker writes masks, DiceReported, and ScanFailed.
 */
final class Streams implements AutoCloseable {
    final EventCodec codec = new EventCodec();
    final KafkaProducer<byte[], byte[]> producer;
    final Path scans;
    final Path masks;
    final ScanSubmitter submitter;

    Streams(String bootstrap, Path dir) throws Exception {
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new ByteArraySerializer(), new ByteArraySerializer());
        scans = Files.createDirectories(dir.resolve("scans"));
        masks = Files.createDirectories(dir.resolve("masks"));
        submitter = new ScanSubmitter(bootstrap, Map.of(), Clock.systemUTC());
    }

    static List<Case> cohort(Path dir, int n, long seed) throws Exception {
        new CohortGenerator(CohortConfig.of(n, seed).withSpacing(3.0)).generate(dir, r -> {});
        return DatasetScanner.scan(dir).cases();
    }

    void publish(Event e) throws Exception {
        String topic = Topics.forEvent(e.getClass()).name();
        String key = Topics.key(e);
        producer.send(new ProducerRecord<>(topic, key == null ? null : key.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                codec.encode(e))).get();
    }

    ScanArrived arrived(Case c, String scanId) throws Exception {
        ScanArrived a = submitter.eventFor(c, scanId);
        publish(a);
        return a;
    }

    /** A mask for {@code version}: the case's truth, with edema removed when {@code dropEdema}. */
    SegmentationCompleted completed(Case c, ScanArrived a, int version, boolean dropEdema) throws Exception {
        return completed(c, a, version, dropEdema, null);
    }

    /** As above, with a worker's quality estimate predicting WT Dice {@code predictedWt} (null: none). */
    SegmentationCompleted completed(Case c, ScanArrived a, int version, boolean dropEdema, Double predictedWt) throws Exception {
        Path mask = masks.resolve(a.scanId()).resolve("v" + version).resolve(a.scanId() + "_seg.nii.gz");
        Files.createDirectories(mask.getParent());
        Volume truth = NiftiReader.read(c.label()).volume();
        LabelConvention conv = c.convention();
        float edema = conv.fromInternal(2);
        float[] d = truth.data().clone();
        long[] counts = new long[4];
        for (int i = 0; i < d.length; i++) {
            if (dropEdema && d[i] == edema) {
                d[i] = 0;
            }
            int internal = conv.toInternal((int) d[i]);
            counts[internal]++;
        }
        new NiftiWriter().write(mask, truth.withData(d), NiftiDataType.UINT8);
        double ml = truth.voxelMl();
        RegionValues vol = new RegionValues(counts[2] * ml, counts[1] * ml, counts[3] * ml, (counts[1] + counts[2] + counts[3]) * ml,
                (counts[1] + counts[3]) * ml, counts[3] * ml);
        SegmentationCompleted s = new SegmentationCompleted(UUID.randomUUID(), a.scanId(), a.eventId(), version, mask.toUri(),
                sha256(mask), conv, vol, new SegmentationCompleted.Timings(1, 2, 3, 4, 10), "cpu", Instant.now(), null,
                predictedWt == null ? null : new org.brainseg.schemas.Quality(
                        new org.brainseg.schemas.Quality.Regions(predictedWt, 0.9, 0.9), predictedWt < 0.8,
                        predictedWt < 0.8 ? java.util.List.of("low-predicted-dice") : java.util.List.of(), java.util.Map.of()));
        publish(s);
        double wt = dropEdema ? 0.5 : 1.0;
        publish(new DiceReported(UUID.randomUUID(), a.scanId(), version, new RegionValues(dropEdema ? 0 : 1, 1, 1, wt, 1, 1),
                new Hd95Values(0.0, 0.0, 0.0, 0.0, 0.0, 0.0)));
        return s;
    }

    ScanFailed failed(String scanId, ErrorCode code, String message) throws Exception {
        ScanFailed f = ScanFailed.of(scanId, new ScanFailed.Source(Topics.SCANS_ARRIVED, 0, 7), code, message, 1,
                "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8), Instant.now());
        publish(f);
        return f;
    }

    static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    @Override
    public void close() {
        producer.close();
        submitter.close();
    }
}
