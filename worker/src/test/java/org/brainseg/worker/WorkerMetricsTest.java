package org.brainseg.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import org.brainseg.schemas.Quality;
import org.junit.jupiter.api.Test;

/** The quality meters: every series present from the start, each estimate counted under the right reasons. */
class WorkerMetricsTest {
    final MeterRegistry registry = new SimpleMeterRegistry();
    final WorkerMetrics metrics = new WorkerMetrics(registry, () -> 0, () -> 1);

    double flagged(String reason) {
        return registry.get(WorkerMetrics.FLAGGED).tag("reason", reason).counter().count();
    }

    static Quality quality(double wt, String... reasons) {
        return new Quality(new Quality.Regions(wt, 0.9, 0.8), reasons.length > 0, List.of(reasons), Map.of());
    }

    @Test
    void shouldCountEachEstimateUnderItsReasons() {
        assertThat(registry.get(WorkerMetrics.ASSESSED).counter().count()).isZero();
        for (String r : WorkerMetrics.FLAG_REASONS) {
            assertThat(flagged(r)).as(r).isZero();
        }
        metrics.quality(quality(0.95));
        metrics.quality(quality(0.5, "low-predicted-dice"));
        metrics.quality(quality(0.7, "low-predicted-dice", "intensity-shift:t2"));
        metrics.quality(quality(0.9, "modalities-swapped:t1<->flair"));
        metrics.quality(new Quality(null, true, List.of("no-brain-signal"), Map.of()));
        metrics.quality(quality(0.0, "no-tumour-found", "low-predicted-dice"));

        assertThat(registry.get(WorkerMetrics.ASSESSED).counter().count()).isEqualTo(6);
        assertThat(flagged("no_tumour_found")).isEqualTo(1);
        assertThat(registry.get(WorkerMetrics.INPUT_OOD).counter().count()).isEqualTo(3);
        assertThat(flagged("low_predicted_dice")).isEqualTo(3);
        assertThat(flagged("input_out_of_distribution")).isEqualTo(2);
        assertThat(flagged("no_brain_signal")).isEqualTo(1);
        var wt = registry.get(WorkerMetrics.PREDICTED_DICE).tag("region", "WT").summary();
        assertThat(wt.count()).as("no prediction without a calibration").isEqualTo(5);
        assertThat(wt.totalAmount()).isCloseTo(0.95 + 0.5 + 0.7 + 0.9, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void shouldGaugeTheServingVersionsBaselineOrNaN() {
        double[][] baseline = {null};
        metrics.baselineDice(() -> baseline[0]);
        assertThat(registry.get(WorkerMetrics.BASELINE_DICE).tag("region", "WT").gauge().value()).isNaN();
        baseline[0] = new double[] {0.88, 0.93, 0.86};
        assertThat(registry.get(WorkerMetrics.BASELINE_DICE).tag("region", "TC").gauge().value()).isEqualTo(0.93);
    }
}
