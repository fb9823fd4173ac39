package org.brainseg.worker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Supplier;
import org.brainseg.schemas.DiceReported;
import org.brainseg.schemas.ErrorCode;
import org.brainseg.schemas.SegmentationCompleted;

/**
 * The worker's meters, names in one place. Prometheus names (Micrometer adds the unit and
 * {@code _total}): {@code brainseg_scans_received_total}, {@code brainseg_scans_completed_total},
 * {@code brainseg_scans_failed_total{reason}}, {@code brainseg_scan_stage_seconds{stage}}
 * (histogram; stages queue, load, infer, write, total), {@code brainseg_scans_in_flight},
 * {@code brainseg_model_version}, {@code brainseg_dice{region,model_version}} (summary: mean =
 * sum / count), {@code brainseg_model_swaps_total{outcome="swapped|refused"}} (versions taken into
 * service or refused by the model follower), {@code brainseg_model_load_seconds} (timer: load,
 * verification and warm-up of each version taken into service).
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
