package org.brainseg.viewer.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.brainseg.imaging.labels.LabelConvention;
import org.brainseg.schemas.DiceReported;
import org.brainseg.schemas.ErrorCode;
import org.brainseg.schemas.Hd95Values;
import org.brainseg.schemas.RegionValues;
import org.brainseg.schemas.ScanArrived;
import org.brainseg.schemas.ScanFailed;
import org.brainseg.schemas.SegmentationCompleted;
import org.brainseg.schemas.Topics;
import org.junit.jupiter.api.Test;

/** The index folds events in any order into one view per scan, newest first, filtered and bounded. */
class ScanIndexTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    final ScanIndex index = new ScanIndex(100, Clock.fixed(T0, ZoneOffset.UTC));

    static ScanArrived arrived(String id, int minute) {
        URI f = URI.create("file:///data/" + id + "_flair.nii.gz");
        return new ScanArrived(UUID.randomUUID(), id, null, T0.plusSeconds(60L * minute),
                new ScanArrived.Modalities(f, f, f, f), null, null, LabelConvention.BRATS2021, null);
    }

    static SegmentationCompleted completed(String id, int version) {
        RegionValues v = new RegionValues(1, 2, 3, 6, 5, 3);
        return new SegmentationCompleted(UUID.randomUUID(), id, UUID.randomUUID(), version,
                URI.create("file:///masks/" + id + "/v" + version + "/" + id + "_seg.nii.gz"), "a".repeat(64),
                LabelConvention.BRATS2021, v, new SegmentationCompleted.Timings(0, 1, 2, 3, 6), "cpu", T0.plusSeconds(3600));
    }

    static DiceReported dice(String id, int version, double wt) {
        return new DiceReported(UUID.randomUUID(), id, version, new RegionValues(1, 1, 1, wt, 1, 1),
                new Hd95Values(0.0, 0.0, 0.0, 0.0, 0.0, 0.0));
    }

    static ScanFailed failed(String id) {
        return ScanFailed.of(id, new ScanFailed.Source(Topics.SCANS_ARRIVED, 0, 1), ErrorCode.FILE_MISSING, "t1: no such file", 1,
                null, T0);
    }

    @Test
    void shouldListScansNewestFirstWithTheirStatus() {
        index.apply(arrived("a", 1));
        index.apply(arrived("c", 3));
        index.apply(arrived("b", 2));
        index.apply(completed("b", 1));
        index.apply(failed("c"));
        assertThat(index.list(null, null)).extracting(ScanView::scanId).containsExactly("c", "b", "a");
        assertThat(index.list(null, null)).extracting(v -> v.status().key()).containsExactly("failed", "done", "pending");
        assertThat(index.list(null, ScanView.Status.DONE)).extracting(ScanView::scanId).containsExactly("b");
        assertThat(index.list(null, ScanView.Status.FAILED).get(0).failures().get(0).errorCode()).isEqualTo(ErrorCode.FILE_MISSING);
    }

    @Test
    void shouldJoinOutputsThatArriveBeforeTheirScanOrTheirMask() {
        index.apply(dice("x", 2, 0.7));
        index.apply(completed("x", 2));
        index.apply(completed("x", 1));
        index.apply(arrived("x", 5));
        ScanView v = index.get("x").orElseThrow();
        assertThat(v.arrived()).isNotNull();
        assertThat(v.segmentations()).containsOnlyKeys(1, 2);
        assertThat(v.latestVersion()).isEqualTo(2);
        assertThat(v.dice().get(2).dice().wt()).isEqualTo(0.7);
        assertThat(v.status()).isEqualTo(ScanView.Status.DONE);
        assertThat(v.sortTime()).isEqualTo(T0.plusSeconds(300));
    }

    @Test
    void shouldFilterByModelVersionAndListTheVersionsSeen() {
        index.apply(completed("a", 1));
        index.apply(completed("b", 2));
        index.apply(completed("b", 1));
        assertThat(index.list(2, null)).extracting(ScanView::scanId).containsExactly("b");
        assertThat(index.list(1, null)).hasSize(2);
        assertThat(index.list(3, null)).isEmpty();
        assertThat(index.modelVersions()).containsExactly(1, 2);
    }

    @Test
    void shouldCountFailuresWithoutAScanAndKeepEachFailureOnce() {
        long before = index.changes();
        index.apply(failed(null));
        ScanFailed f = failed("p");
        index.apply(f);
        index.apply(f); // read again (a restarted reader): one failure
        assertThat(index.unattributedFailures()).isEqualTo(1);
        assertThat(index.get("p").orElseThrow().failures()).hasSize(1);
        assertThat(index.changes()).isGreaterThan(before);
        for (int i = 0; i < 30; i++) {
            index.apply(failed("p"));
        }
        assertThat(index.get("p").orElseThrow().failures()).hasSize(ScanIndex.MAX_FAILURES_PER_SCAN);
    }

    @Test
    void shouldForgetTheEarliestScanBeyondItsBound() {
        ScanIndex small = new ScanIndex(2, Clock.fixed(T0, ZoneOffset.UTC));
        small.apply(arrived("old", 1));
        small.apply(arrived("mid", 2));
        small.apply(arrived("new", 3));
        assertThat(small.size()).isEqualTo(2);
        assertThat(small.get("old")).isEmpty();
        assertThatThrownBy(() -> new ScanIndex(0, Clock.systemUTC())).isInstanceOf(IllegalArgumentException.class);
    }
}
