package org.brainseg.pacs.ingest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.imaging.io.Sha256;
import org.brainseg.pacs.PacsMetrics;
import org.brainseg.pacs.dicom.DicomException;
import org.brainseg.pacs.orthanc.PacsBackoff;
import org.brainseg.pacs.orthanc.PacsException;
import org.brainseg.pacs.orthanc.StudyFeed;
import org.brainseg.pacs.rules.SeriesInfo;
import org.brainseg.schemas.Event;
import org.brainseg.schemas.ScanFailed;
import org.brainseg.service.kafka.TransactionalPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the study feed on its own thread: each stable study is converted and announced
 * ({@link StudyIngester}) or reported on {@code brainseg.scans.failed}, then the position is
 * saved ({@link PositionFile}), in that order: a crash in between repeats the study on restart
 * (same scan id and event id), it never skips it. A PACS that does not answer is waited for with
 * capped backoff; the position does not move meanwhile. Logs name the Orthanc study id and the
 * scan id, never a patient attribute.
 */
public final class StudyFollower implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StudyFollower.class);
    /** The "topic" of failures found in the PACS feed (ScanFailed.source): partition 0, offset = the change's sequence number. */
    public static final String FEED_SOURCE = "pacs.orthanc.changes";

    private final StudyFeed feed;
    private final StudyIngester ingester;
    private final TransactionalPublisher publisher;
    private final Path positionFile;
    private final Duration pollInterval;
    private final PacsMetrics metrics;
    private final Clock clock;
    private volatile boolean closed;
    private final PacsBackoff backoff = new PacsBackoff(() -> closed);
    private volatile String problem = "not started";
    private volatile Throwable fatal;
    private volatile PositionFile position;

    public StudyFollower(StudyFeed feed, StudyIngester ingester, TransactionalPublisher publisher, Path positionFile,
            Duration pollInterval, PacsMetrics metrics, Clock clock) throws IOException {
        this.feed = feed;
        this.ingester = ingester;
        this.publisher = publisher;
        this.positionFile = positionFile;
        this.pollInterval = pollInterval;
        this.metrics = metrics;
        this.clock = clock;
        this.position = PositionFile.load(positionFile);
    }

    /** Why the follower is not healthy, or null. */
    public String problem() {
        return problem;
    }

    public Throwable fatal() {
        return fatal;
    }

    public long position() {
        return position.since();
    }

    @Override
    public void run() {
        while (!closed) {
            try {
                StudyFeed.Batch b = feed.next(position.since());
                problem = null;
                backoff.succeeded();
                for (StudyFeed.StableStudy s : b.stable()) {
                    if (closed) {
                        return;
                    }
                    handle(s);
                }
                if (!closed) {
                    advance(b.last(), null, null);
                }
                if (b.done()) {
                    backoff.sleep(pollInterval.toMillis());
                }
            } catch (PacsException e) {
                metrics.pacsError();
                problem = "PACS: " + e.getMessage();
                if (e.refused()) {
                    LOG.error("the PACS refused the credentials: {}", e.getMessage());
                }
                long wait = backoff.failed();
                LOG.warn("PACS request failed ({}); retrying in {} ms, the feed position stays at {}", e.getMessage(), wait,
                        position.since());
                backoff.sleep(wait);
            } catch (IOException | RuntimeException e) {
                // the position file cannot be written, or Kafka gave up: a restart (by the orchestrator) is the way on
                fatal = e;
                problem = "stopped: " + e;
                LOG.error("study follower stopped: {}", e.toString(), e);
                return;
            }
        }
    }

    private void handle(StudyFeed.StableStudy s) throws PacsException, IOException {
        metrics.seen();
        long start = System.nanoTime();
        String study = s.study();
        List<SeriesInfo> series;
        Map<Modality, SeriesInfo> chosen;
        try {
            series = ingester.seriesOf(study);
        } catch (PacsException e) {
            if (e.notFound()) {
                LOG.info("study {} (change {}) was deleted from the PACS before it could be read: skipped", study, s.seq());
                advance(s.seq(), null, null);
                return;
            }
            throw e;
        }
        try {
            chosen = ingester.select(series);
        } catch (DicomException e) {
            String fp = "failed-" + allSeriesFingerprint(series);
            if (!position.alreadyAnnounced(study, fp)) {
                fail(s, "orthanc-" + study, e);
            }
            advance(s.seq(), study, fp);
            return;
        }
        String fp = StudyIngester.fingerprint(chosen);
        if (position.alreadyAnnounced(study, fp)) {
            LOG.debug("study {} stable again with the same series (change {}): already announced", study, s.seq());
            advance(s.seq(), null, null);
            return;
        }
        StudyIngester.Announcement a;
        try {
            a = ingester.convert(study, chosen);
        } catch (DicomException e) {
            fail(s, StudyIngester.scanId(study, fp), e);
            advance(s.seq(), study, fp);
            return;
        } catch (PacsException e) {
            if (e.notFound()) {
                LOG.info("study {}: a series or image was deleted while it was read: skipped", study);
                advance(s.seq(), null, null);
                return;
            }
            throw e;
        }
        publisher.publish(List.<Event>of(a.event()));
        metrics.published(Duration.ofNanos(System.nanoTime() - start));
        LOG.info("study {} (change {}) announced as scan {} ({} ms)", study, s.seq(), a.scanId(),
                (System.nanoTime() - start) / 1_000_000);
        advance(s.seq(), study, fp);
    }

    private void fail(StudyFeed.StableStudy s, String scanId, DicomException e) {
        metrics.failed(e.code());
        LOG.warn("study {} (change {}) not usable: {} {}", s.study(), s.seq(), e.code(), e.getMessage());
        String payload = "{\"orthancStudy\":\"" + s.study() + "\",\"change\":" + s.seq() + "}";
        publisher.publish(List.<Event>of(ScanFailed.of(scanId, new ScanFailed.Source(FEED_SOURCE, 0, s.seq()), e.code(),
                e.getMessage(), 1, payload.getBytes(StandardCharsets.UTF_8), clock.instant())));
    }

    private static String allSeriesFingerprint(List<SeriesInfo> series) {
        StringBuilder b = new StringBuilder();
        series.stream().sorted(java.util.Comparator.comparing(SeriesInfo::id))
                .forEach(x -> b.append(x.id()).append(':').append(x.instances()).append(';'));
        return Sha256.hex(b.toString()).substring(0, 12);
    }

    private void advance(long seq, String study, String fp) throws IOException {
        PositionFile next = position.after(seq, study, fp);
        if (next.since() != position.since() || study != null) {
            next.save(positionFile);
        }
        position = next;
        metrics.position(next.since());
    }

    @Override
    public void close() {
        closed = true;
    }
}
