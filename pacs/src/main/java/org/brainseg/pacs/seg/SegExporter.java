package org.brainseg.pacs.seg;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.nifti.NiftiReader;
import org.brainseg.pacs.PacsMetrics;
import org.brainseg.pacs.dicom.DicomException;
import org.brainseg.pacs.dicom.Part10;
import org.brainseg.pacs.ingest.ScanSource;
import org.brainseg.pacs.orthanc.PacsBackoff;
import org.brainseg.pacs.orthanc.PacsException;
import org.brainseg.pacs.source.DicomSource;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.EventDecodingException;
import org.brainseg.schemas.SegmentationCompleted;
import org.brainseg.schemas.Topics;
import org.brainseg.service.store.ScanStore;
import org.brainseg.service.store.StoreAccessException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The results step, on its own thread: each SegmentationCompleted of a scan this bridge announced
 * (its {@link ScanSource} is in the input directory) becomes a DICOM SEG stored in the PACS, then
 * the offset is committed. At least once, made exactly once by the SEG's deterministic UIDs
 * (a redelivery stores the same SOP instance, which the PACS keeps once). A PACS that does not
 * answer is retried with capped backoff from the same record; a result that cannot be turned
 * into a SEG (mask gone, another grid) is logged, counted and passed.
 */
public final class SegExporter implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SegExporter.class);

    private final Consumer<byte[], byte[]> consumer;
    private final DicomSource pacs;
    private final Path inputDir;
    private final ScanStore masks;
    private final int seriesNumber;
    private final String softwareVersion;
    private final PacsMetrics metrics;
    private final EventCodec codec = new EventCodec();
    private volatile boolean closed;
    private final PacsBackoff backoff = new PacsBackoff(() -> closed);
    private volatile Throwable fatal;
    private volatile String problem;

    /** @param masks resolves mask URIs, refusing any outside the configured mask roots */
    public SegExporter(Consumer<byte[], byte[]> consumer, DicomSource pacs, Path inputDir, ScanStore masks, int seriesNumber,
            String softwareVersion, PacsMetrics metrics) {
        this.masks = masks;
        this.consumer = consumer;
        this.pacs = pacs;
        this.inputDir = inputDir;
        this.seriesNumber = seriesNumber;
        this.softwareVersion = softwareVersion;
        this.metrics = metrics;
    }

    public Throwable fatal() {
        return fatal;
    }

    public String problem() {
        return problem;
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(Topics.SEGMENTATIONS));
            while (!closed) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    try {
                        handle(r);
                        backoff.succeeded();
                        problem = null;
                    } catch (PacsException e) {
                        metrics.pacsError();
                        problem = "PACS: " + e.getMessage();
                        long wait = backoff.failed();
                        LOG.warn("storing the SEG of partition {} offset {} failed ({}); retrying in {} ms", r.partition(),
                                r.offset(), e.getMessage(), wait);
                        consumer.seek(tp, r.offset());
                        backoff.sleep(wait);
                        break;
                    }
                    consumer.commitSync(Map.of(tp, new OffsetAndMetadata(r.offset() + 1)));
                }
            }
        } catch (WakeupException e) {
            if (!closed) {
                fatal = e;
            }
        } catch (RuntimeException e) {
            fatal = e;
            problem = "stopped: " + e;
            LOG.error("SEG exporter stopped: {}", e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> r) throws PacsException {
        SegmentationCompleted done;
        try {
            done = codec.decode(r.value(), SegmentationCompleted.class);
        } catch (EventDecodingException e) {
            LOG.debug("partition {} offset {}: not a SegmentationCompleted ({}): passed", r.partition(), r.offset(), e.getMessage());
            return;
        }
        Path sourceFile = inputDir.resolve(done.scanId()).resolve(ScanSource.FILE);
        if (!done.scanId().startsWith("orthanc-") || !Files.isRegularFile(sourceFile)) {
            return; // not a scan of this bridge
        }
        try {
            ScanSource source = ScanSource.read(sourceFile);
            Volume mask = internal(NiftiReader.read(masks.resolveInput(done.maskUri().toString())).volume(), done);
            JsonNode study = pacs.studyTags(source.orthancStudy());
            byte[] file = Part10.encode(SegmentationBuilder.build(study, source, mask, new SegmentationBuilder.Result(
                    done.scanId(), done.modelVersion(), done.completedAt(), softwareVersion, seriesNumber, done.model(),
                    done.quality())));
            String stored = pacs.store(file);
            metrics.segStored();
            LOG.info("scan {} model v{}: SEG stored in study {} by {}: {}", done.scanId(), done.modelVersion(),
                    source.orthancStudy(), pacs.protocol(), stored);
        } catch (PacsException e) {
            if (e.notFound()) {
                metrics.segFailed("STUDY_GONE");
                LOG.warn("scan {}: its study is no longer in the PACS; no SEG", done.scanId());
                return;
            }
            if (e.rejected()) {
                metrics.segFailed("PACS_REJECTED");
                LOG.warn("scan {} model v{}: the PACS rejected the SEG for good: {}", done.scanId(), done.modelVersion(),
                        e.getMessage());
                return;
            }
            throw e;
        } catch (StoreAccessException e) {
            metrics.segFailed("MASK_NOT_ALLOWED");
            LOG.warn("scan {} model v{}: no SEG, the mask is refused: {}", done.scanId(), done.modelVersion(), e.getMessage());
        } catch (DicomException e) {
            metrics.segFailed(e.code().name());
            LOG.warn("scan {} model v{}: no SEG: {} {}", done.scanId(), done.modelVersion(), e.code(), e.getMessage());
        } catch (IOException | RuntimeException e) {
            metrics.segFailed("MASK_UNREADABLE");
            LOG.warn("scan {} model v{}: no SEG, the mask or source record is unreadable: {}", done.scanId(),
                    done.modelVersion(), e.toString());
        }
    }

    /** The mask in internal labels (1 NCR/NET, 2 edema, 3 ET). */
    private static Volume internal(Volume mask, SegmentationCompleted done) {
        float[] d = mask.data().clone();
        for (int i = 0; i < d.length; i++) {
            d[i] = done.labelConvention().toInternal(Math.round(d[i]));
        }
        return mask.withData(d);
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
    }
}
