package org.brainseg.viewer.index;

import java.time.Instant;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.brainseg.schemas.DiceReported;
import org.brainseg.schemas.ScanArrived;
import org.brainseg.schemas.ScanFailed;
import org.brainseg.schemas.SegmentationCompleted;

/**
 * What the viewer knows of one scan, as an immutable snapshot: its arrival (null until the
 * ScanArrived was read), one segmentation and Dice per model version, and its failures.
 *
 * @param firstSeen when the first event of the scan was read; orders scans whose arrival is unknown
 */
public record ScanView(
        String scanId,
        ScanArrived arrived,
        SortedMap<Integer, SegmentationCompleted> segmentations,
        SortedMap<Integer, DiceReported> dice,
        List<ScanFailed> failures,
        Instant firstSeen) {

    /** Where a scan stands, as the list's status filter names it. */
    public enum Status {
        /** Arrived, no mask and no failure yet. */
        PENDING,
        /** At least one mask. */
        DONE,
        /** Failed and no mask. */
        FAILED;

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public ScanView {
        segmentations = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(segmentations));
        dice = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(dice));
        failures = List.copyOf(failures);
    }

    static ScanView empty(String scanId, Instant now) {
        return new ScanView(scanId, null, new TreeMap<>(), new TreeMap<>(), List.of(), now);
    }

    public Status status() {
        if (!segmentations.isEmpty()) {
            return Status.DONE;
        }
        return failures.isEmpty() ? Status.PENDING : Status.FAILED;
    }

    /** Arrival time, or when the viewer first heard of the scan: the list's order, newest first. */
    public Instant sortTime() {
        return arrived != null ? arrived.arrivedAt() : firstSeen;
    }

    /** The newest model version that segmented this scan, or 0. */
    public int latestVersion() {
        return segmentations.isEmpty() ? 0 : segmentations.lastKey();
    }

    ScanView withArrived(ScanArrived a) {
        return new ScanView(scanId, a, segmentations, dice, failures, firstSeen);
    }

    ScanView withSegmentation(SegmentationCompleted s) {
        TreeMap<Integer, SegmentationCompleted> m = new TreeMap<>(segmentations);
        m.put(s.modelVersion(), s);
        return new ScanView(scanId, arrived, m, dice, failures, firstSeen);
    }

    ScanView withDice(DiceReported d) {
        TreeMap<Integer, DiceReported> m = new TreeMap<>(dice);
        m.put(d.modelVersion(), d);
        return new ScanView(scanId, arrived, segmentations, m, failures, firstSeen);
    }

    ScanView withFailure(ScanFailed f, int maxFailures) {
        List<ScanFailed> l = new java.util.ArrayList<>(failures);
        if (l.stream().noneMatch(x -> x.eventId().equals(f.eventId()))) {
            l.add(f);
        }
        while (l.size() > maxFailures) {
            l.remove(0);
        }
        return new ScanView(scanId, arrived, segmentations, dice, l, firstSeen);
    }
}
