package org.brainseg.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.brainseg.schemas.DiceReported;
import org.brainseg.schemas.ErrorCode;
import org.brainseg.schemas.Hd95Values;
import org.brainseg.schemas.RegionValues;
import org.brainseg.schemas.ScanFailed;
import org.brainseg.schemas.SegmentationCompleted;
import org.junit.jupiter.api.Test;

class DemoStatsTest {
    private static final Instant T = Instant.parse("2026-11-28T12:00:00Z");

    private static SegmentationCompleted done(String id, int version, long totalMs) {
        return new SegmentationCompleted(UUID.randomUUID(), id, UUID.randomUUID(), version, URI.create("file:///m/" + id),
                "b".repeat(64), org.brainseg.imaging.labels.LabelConvention.BRATS2021, new RegionValues(1, 2, 3, 6, 5, 3),
                new SegmentationCompleted.Timings(0, 10, totalMs - 20, 10, totalMs), "cpu()", T);
    }

    private static DiceReported dice(String id, int version, double wt) {
        return new DiceReported(UUID.randomUUID(), id, version, new RegionValues(0.5, 0.5, 0.5, wt, 0.4, 0.3),
                new Hd95Values(null, null, null, null, null, null));
    }

    @Test
    void countsEachScanOnceAndSplitsByModelVersion() {
        DemoStats s = new DemoStats(0);
        s.completed(done("a", 1, 1000));
        s.completed(done("a", 1, 1000)); // duplicate delivery: counted once
        s.completed(done("b", 1, 3000));
        s.completed(done("c", 2, 2000));
        s.dice(dice("a", 1, 0.6));
        s.dice(dice("b", 1, 0.8));
        s.dice(dice("c", 2, 0.9));
        assertThat(s.completedCount()).isEqualTo(3);
        assertThat(s.completedByVersion()).containsEntry(1, 2).containsEntry(2, 1);
        assertThat(s.lastVersion()).isEqualTo(2);

        String table = s.summaryTable();
        assertThat(table.lines().filter(l -> l.startsWith("v1")).findFirst().orElseThrow())
                .contains(" 2 ").contains("0.700"); // mean WT of 0.6 and 0.8
        assertThat(table.lines().filter(l -> l.startsWith("v2")).findFirst().orElseThrow()).contains("0.900");
        assertThat(table.lines().filter(l -> l.startsWith("all")).findFirst().orElseThrow()).contains(" 3 ");
        assertThat(table).contains("failed scans: 0");
    }

    @Test
    void summaryCountsTheScansFlaggedForReviewByReason() {
        DemoStats s = new DemoStats(0);
        s.completed(done("a", 1, 1000)); // no estimate
        assertThat(s.summaryTable()).doesNotContain("flagged");
        s.completed(withQuality(done("b", 1, 1000), false));
        s.completed(withQuality(done("c", 1, 1000), true, "low-predicted-dice", "intensity-shift:t2"));
        s.completed(withQuality(done("d", 1, 1000), true, "intensity-shift:flair"));
        assertThat(s.assessedAndFlagged()).containsExactly(3, 2);
        assertThat(s.summaryTable()).contains("flagged for review: 2 of 3 scans with a quality estimate "
                + "(intensity-shift 2, low-predicted-dice 1)");
    }

    private static SegmentationCompleted withQuality(SegmentationCompleted d, boolean review, String... reasons) {
        return new SegmentationCompleted(d.eventId(), d.scanId(), d.sourceEventId(), d.modelVersion(), d.maskUri(),
                d.maskSha256(), d.labelConvention(), d.volumesMl(), d.timingsMs(), d.device(), d.completedAt(), null,
                new org.brainseg.schemas.Quality(new org.brainseg.schemas.Quality.Regions(0.9, 0.9, 0.9), review,
                        java.util.List.of(reasons), java.util.Map.of()));
    }

    @Test
    void progressLineShowsRateLatencyDiceAndVersion() {
        DemoStats s = new DemoStats(0);
        assertThat(s.progressLine(10, 0, 60_000_000_000L)).isEqualTo("0/10 done · 0 failed · 0.0 scans/min · no model yet");
        s.completed(done("a", 1, 1000));
        s.completed(done("b", 1, 3000));
        s.dice(dice("a", 1, 0.6));
        // two scans in one minute; nearest-rank p50 of {1, 3} is 1
        assertThat(s.progressLine(10, 1, 60_000_000_000L))
                .isEqualTo("2/10 done · 0 failed · 2.0 scans/min · p50 1.00 s · Dice WT 0.60 TC 0.40 ET 0.30 · model v1");
    }

    @Test
    void failuresAreListedOnce() {
        DemoStats s = new DemoStats(0);
        ScanFailed f = ScanFailed.of("x", new ScanFailed.Source("brainseg.scans.arrived", 0, 7), ErrorCode.NIFTI_CORRUPT,
                "truncated", 1, new byte[0], T);
        s.failed(f);
        s.failed(f);
        assertThat(s.failedCount()).isEqualTo(1);
        assertThat(s.failures()).containsExactly("x: " + f.errorCode() + " truncated");
    }

    @Test
    void percentileIsNearestRank() {
        assertThat(DemoStats.percentile(List.of(5.0, 1.0, 3.0, 2.0, 4.0), 50)).isEqualTo(3.0);
        assertThat(DemoStats.percentile(List.of(5.0, 1.0, 3.0, 2.0, 4.0), 95)).isEqualTo(5.0);
        assertThat(DemoStats.percentile(List.of(7.0), 95)).isEqualTo(7.0);
    }
}
