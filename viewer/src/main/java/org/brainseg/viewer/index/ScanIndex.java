package org.brainseg.viewer.index;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.brainseg.schemas.DiceReported;
import org.brainseg.schemas.Event;
import org.brainseg.schemas.ScanArrived;
import org.brainseg.schemas.ScanFailed;
import org.brainseg.schemas.SegmentationCompleted;

/**
 * The viewer's in-memory picture of the output topics: one {@link ScanView} per scan id, built
 * from ScanArrived, SegmentationCompleted, DiceReported and ScanFailed in whatever order they are
 * read (the topics are independent, so a Dice may come before its mask). Bounded: beyond
 * {@code maxScans} the scan that arrived first is forgotten. Thread-safe; readers get snapshots.
 */
public final class ScanIndex {
    /** Failures kept per scan; a poison scan resubmitted in a loop must not grow without bound. */
    static final int MAX_FAILURES_PER_SCAN = 10;
    private static final Comparator<ScanView> NEWEST_FIRST = Comparator.comparing(ScanView::sortTime).reversed()
            .thenComparing(ScanView::scanId);

    private final int maxScans;
    private final Clock clock;
    private final Map<String, ScanView> scans = new HashMap<>();
    private long changes;
    private long unattributedFailures;

    public ScanIndex(int maxScans, Clock clock) {
        if (maxScans < 1) {
            throw new IllegalArgumentException("maxScans must be at least 1, got " + maxScans);
        }
        this.maxScans = maxScans;
        this.clock = clock;
    }

    /** Folds one event in; events of other types are ignored. */
    public synchronized void apply(Event event) {
        if (event instanceof ScanArrived a) {
            update(a.scanId(), v -> v.withArrived(a));
        } else if (event instanceof SegmentationCompleted s) {
            update(s.scanId(), v -> v.withSegmentation(s));
        } else if (event instanceof DiceReported d) {
            update(d.scanId(), v -> v.withDice(d));
        } else if (event instanceof ScanFailed f) {
            if (f.scanId() == null) {
                unattributedFailures++; // unreadable input or a training request: no scan to show it on
                changes++;
            } else {
                update(f.scanId(), v -> v.withFailure(f, MAX_FAILURES_PER_SCAN));
            }
        }
    }

    private void update(String scanId, java.util.function.UnaryOperator<ScanView> change) {
        ScanView v = scans.get(scanId);
        scans.put(scanId, change.apply(v == null ? ScanView.empty(scanId, clock.instant()) : v));
        changes++;
        if (scans.size() > maxScans) {
            scans.values().stream().min(Comparator.comparing(ScanView::sortTime)).ifPresent(o -> scans.remove(o.scanId()));
        }
    }

    public synchronized Optional<ScanView> get(String scanId) {
        return Optional.ofNullable(scans.get(scanId));
    }

    /**
     * Scans newest first.
     *
     * @param modelVersion only scans this version segmented; null for all
     * @param status only scans in this status; null for all
     */
    public synchronized List<ScanView> list(Integer modelVersion, ScanView.Status status) {
        List<ScanView> out = new ArrayList<>();
        for (ScanView v : scans.values()) {
            if ((modelVersion == null || v.segmentations().containsKey(modelVersion))
                    && (status == null || v.status() == status)) {
                out.add(v);
            }
        }
        out.sort(NEWEST_FIRST);
        return out;
    }

    /** Every model version that segmented a scan, ascending. */
    public synchronized List<Integer> modelVersions() {
        TreeSet<Integer> v = new TreeSet<>();
        scans.values().forEach(s -> v.addAll(s.segmentations().keySet()));
        return List.copyOf(v);
    }

    public synchronized int size() {
        return scans.size();
    }

    /** Grows with every event folded in: a poller compares it to know whether anything changed. */
    public synchronized long changes() {
        return changes;
    }

    /** Failures that named no scan (unreadable records, training requests). */
    public synchronized long unattributedFailures() {
        return unattributedFailures;
    }
}
