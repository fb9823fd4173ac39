package org.brainseg.worker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Supplier;
import org.brainseg.model.quality.QualityEstimator;
import org.brainseg.schemas.DiceReported;
import org.brainseg.schemas.ErrorCode;
import org.brainseg.schemas.Quality;
import org.brainseg.schemas.SegmentationCompleted;

/**
 * The worker's meters, names in one place. Prometheus names (Micrometer adds the unit and
 * {@code _total}): {@code brainseg_scans_received_total}, {@code brainseg_scans_completed_total},
 * {@code brainseg_scans_failed_total{reason}}, {@code brainseg_scan_stage_seconds{stage}}
 * (histogram; stages queue, load, infer, write, total), {@code brainseg_scans_in_flight},
 * {@code brainseg_model_version}, {@code brainseg_dice{region,model_version}} (summary: mean =
 * sum / count), {@code brainseg_model_swaps_total{outcome="swapped|refused"}} (versions taken into
 * service or refused by the model follower), {@code brainseg_model_load_seconds} (timer: load,
 * verification and warm-up of each version taken into service); the quality estimate:
 * {@code brainseg_quality_predicted_dice{region}} (histogram), {@code brainseg_quality_baseline_dice{region}}
 * (the serving version's validation mean Dice), {@code brainseg_quality_assessed_total},
 * {@code brainseg_input_ood_total}, {@code brainseg_quality_flagged_total{reason}} (reasons
 * {@code low_predicted_dice}, {@code no_tumour_found}, {@code input_out_of_distribution}, {@code no_brain_signal}).
 */
public final class WorkerMetrics {
    public static final String RECEIVED = "brainseg.scans.received";
    public static final String COMPLETED = "brainseg.scans.completed";
    public static final String FAILED = "brainseg.scans.failed";
    public static final String STAGE = "brainseg.scan.stage";
    public static final String IN_FLIGHT = "brainseg.scans.in.flight";
    public static final String MODEL_VERSION = "brainseg.model.version";
    public static final String DICE = "brainseg.dice";
    public static final String MODEL_SWAPS = "brainseg.model.swaps";
    public static final String MODEL_LOAD = "brainseg.model.load";
    public static final String SWAPPED = "swapped";
    public static final String REFUSED = "refused";
    public static final String[] STAGES = {"queue", "load", "infer", "write", "total"};
    public static final String PREDICTED_DICE = "brainseg.quality.predicted.dice";
    public static final String BASELINE_DICE = "brainseg.quality.baseline.dice";
    public static final String ASSESSED = "brainseg.quality.assessed";
    public static final String INPUT_OOD = "brainseg.input.ood";
    public static final String FLAGGED = "brainseg.quality.flagged";
    public static final String[] FLAG_REASONS = {"low_predicted_dice", "no_tumour_found", "input_out_of_distribution",
        "no_brain_signal"};
    private static final String[] REGIONS = {"WT", "TC", "ET"};
    private static final double[] DICE_BUCKETS = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0};

    private final MeterRegistry registry;
    private final Counter received;
    private final Counter completed;

    public WorkerMetrics(MeterRegistry registry, Supplier<Number> inFlight, Supplier<Number> modelVersion) {
        this.registry = registry;
        this.received = Counter.builder(RECEIVED).description("scan events taken from Kafka").register(registry);
        this.completed = Counter.builder(COMPLETED).description("scans segmented and committed").register(registry);
        // Gauge.builder(name, Supplier) keeps a strong reference: registry.gauge(...) holds its
        // state weakly, and a lambda would be collected (the gauge then reads NaN).
        Gauge.builder(IN_FLIGHT, inFlight).description("scans taken from Kafka and not yet committed").register(registry);
        Gauge.builder(MODEL_VERSION, modelVersion).description("model version being served (0: none)").register(registry);
        for (ErrorCode c : ErrorCode.values()) {
            failedCounter(c); // every reason visible from the start, at 0
        }
        for (String s : STAGES) {
            stageTimer(s);
        }
        swaps(SWAPPED);
        swaps(REFUSED);
        loadTimer();
        for (String r : REGIONS) {
            predictedDice(r);
        }
        Counter.builder(ASSESSED).description("scans that got a quality estimate").register(registry);
        Counter.builder(INPUT_OOD).description("scans whose input looked out of distribution").register(registry);
        for (String r : FLAG_REASONS) {
            flagged(r);
        }
    }

    /**
     * Gauges {@code brainseg_quality_baseline_dice{region}}: the serving version's validation mean
     * Dice (WT, TC, ET) from its quality profile; NaN when it has none.
     */
    public void baselineDice(Supplier<double[]> wtTcEt) {
        for (int i = 0; i < REGIONS.length; i++) {
            int k = i;
            Gauge.builder(BASELINE_DICE, () -> {
                double[] b = wtTcEt.get();
                return b == null ? Double.NaN : b[k];
            }).tags("region", REGIONS[i]).description("serving version's validation mean Dice, what predicted Dice hovers around")
                    .register(registry);
        }
    }

    /** Records a committed scan's quality estimate. */
    public void quality(Quality q) {
        registry.counter(ASSESSED).increment();
        if (q.predictedDice() != null) {
            predictedDice("WT").record(q.predictedDice().wt());
            predictedDice("TC").record(q.predictedDice().tc());
            predictedDice("ET").record(q.predictedDice().et());
        }
        // every reason but those about the mask comes from the input guard
        boolean low = q.reasons().contains(QualityEstimator.LOW_PREDICTED_DICE);
        boolean empty = q.reasons().contains(QualityEstimator.NO_TUMOUR_FOUND);
        boolean noSignal = q.reasons().contains(QualityEstimator.NO_BRAIN_SIGNAL);
        boolean input = q.reasons().stream().anyMatch(r -> !r.equals(QualityEstimator.LOW_PREDICTED_DICE)
                && !r.equals(QualityEstimator.NO_TUMOUR_FOUND));
        if (input) {
            registry.counter(INPUT_OOD).increment();
        }
        if (low) {
            flagged("low_predicted_dice").increment();
        }
        if (empty) {
            flagged("no_tumour_found").increment();
        }
        if (noSignal) {
            flagged("no_brain_signal").increment();
        } else if (input) {
            flagged("input_out_of_distribution").increment();
        }
    }

    private DistributionSummary predictedDice(String region) {
        return DistributionSummary.builder(PREDICTED_DICE).description("Dice predicted per scan without ground truth")
                .tags("region", region).serviceLevelObjectives(DICE_BUCKETS).register(registry);
    }

    private Counter flagged(String reason) {
        return Counter.builder(FLAGGED).description("scans flagged needsReview, by reason").tags("reason", reason)
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void received() {
        received.increment();
    }

    /** Records a committed success: count, stage latencies. */
    public void completed(SegmentationCompleted.Timings t) {
        completed.increment();
        stageTimer("queue").record(Duration.ofMillis(t.queue()));
        stageTimer("load").record(Duration.ofMillis(t.load()));
        stageTimer("infer").record(Duration.ofMillis(t.infer()));
        stageTimer("write").record(Duration.ofMillis(t.write()));
        stageTimer("total").record(Duration.ofMillis(t.total()));
    }

    public void failed(ErrorCode reason) {
        failedCounter(reason).increment();
    }

    public void dice(DiceReported d) {
        String v = Integer.toString(d.modelVersion());
        record("WT", v, d.dice().wt());
        record("TC", v, d.dice().tc());
        record("ET", v, d.dice().et());
    }

    private void record(String region, String version, double value) {
        DistributionSummary.builder(DICE).description("Dice of scans with ground truth")
                .tags("region", region, "model_version", version).register(registry).record(value);
    }

    /** A model version taken into service after {@code load} (load, verification, warm-up). */
    public void modelSwapped(Duration load) {
        swaps(SWAPPED).increment();
        loadTimer().record(load);
    }

    /** The time to load a version served pinned (no swap). */
    public void modelLoaded(Duration load) {
        loadTimer().record(load);
    }

    /** A published model version refused. */
    public void modelRefused() {
        swaps(REFUSED).increment();
    }

    /** Model versions swapped in ({@code swapped}) or refused ({@code refused}) so far. */
    public long swapCount(String outcome) {
        return (long) swaps(outcome).count();
    }

    private Counter swaps(String outcome) {
        return Counter.builder(MODEL_SWAPS).description("published model versions taken into service or refused")
                .tag("outcome", outcome).register(registry);
    }

    private Timer loadTimer() {
        return Timer.builder(MODEL_LOAD).description("loading, verifying and warming up a model version")
                .register(registry);
    }

    private Counter failedCounter(ErrorCode c) {
        return Counter.builder(FAILED).description("scans published to brainseg.scans.failed")
                .tag("reason", c.name()).register(registry);
    }

    private Timer stageTimer(String stage) {
        return Timer.builder(STAGE).description("time per scan in each stage").tag("stage", stage)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10)).register(registry);
    }
}
