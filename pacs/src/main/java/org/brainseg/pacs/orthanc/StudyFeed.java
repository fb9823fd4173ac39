package org.brainseg.pacs.orthanc;

import java.util.List;

/**
 * Where new complete studies are announced: Orthanc's change feed ({@link OrthancChangeFeed});
 * a QIDO-RS poller of another PACS could implement the same. Positions are opaque, increasing
 * numbers the bridge saves and hands back.
 */
public interface StudyFeed {
    /** A study that became complete, at feed position {@code seq}. */
    record StableStudy(long seq, String study) {}

    /**
     * The next changes after {@code since}.
     *
     * @param stable the studies that became complete, in feed order
     * @param last   the position read up to (covers changes of other kinds too)
     * @param done   whether the feed was read to its end (then wait before polling again)
     */
    record Batch(List<StableStudy> stable, long last, boolean done) {}

    Batch next(long since) throws PacsException;
}
