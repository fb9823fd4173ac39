package org.brainseg.trainer.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.brainseg.imaging.labels.Region;
import org.brainseg.schemas.RegionValues;
import org.brainseg.trainer.evaluation.Evaluation;
import org.brainseg.trainer.service.TrainingOutcome;

/**
 * The trainer's meters, names in one place. Prometheus names (a contract with the dashboards and
 * alerts): {@code brainseg_training_runs_total{outcome=promoted|rejected|candidate|failed}},
 * {@code brainseg_training_epoch}, {@code brainseg_training_loss} (last epoch's training loss),
 * {@code brainseg_training_validation_loss} and {@code brainseg_training_validation_dice{region=WT|TC|ET}}
 * (last candidate on the held-out set), {@code brainseg_training_duration_seconds} (timer: count,
 * sum, max), {@code brainseg_training_in_progress} (0/1), {@code brainseg_training_queue_depth}
 * (requests waiting) and {@code brainseg_model_active_version{model}} (0: none).
 */
public final class TrainerMetrics {
    public static final String RUNS = "brainseg.training.runs";
    public static final String EPOCH = "brainseg.training.epoch";
    public static final String LOSS = "brainseg.training.loss";
    public static final String VALIDATION_LOSS = "brainseg.training.validation.loss";
    public static final String VALIDATION_DICE = "brainseg.training.validation.dice";
    public static final String DURATION = "brainseg.training.duration";
    public static final String IN_PROGRESS = "brainseg.training.in.progress";
    public static final String QUEUE_DEPTH = "brainseg.training.queue.depth";
    public static final String ACTIVE_VERSION = "brainseg.model.active.version";

    private final MeterRegistry registry;
    private final Timer duration;
    private final Map<TrainingOutcome, Counter> runs = new EnumMap<>(TrainingOutcome.class);
    private final AtomicLong epoch = new AtomicLong();
    private final AtomicLong inProgress = new AtomicLong();
    private volatile double loss = Double.NaN;
    private volatile double validationLoss = Double.NaN;
    private volatile RegionValues dice;

    public TrainerMetrics(MeterRegistry registry, String modelName, Supplier<Number> activeVersion, Supplier<Number> queueDepth) {
        this.registry = registry;
        for (TrainingOutcome o : TrainingOutcome.values()) {
            if (o.counted()) {
                runs.put(o, Counter.builder(RUNS).description("training requests finished, by outcome")
                        .tag("outcome", o.wire()).register(registry));
            }
        }
        duration = Timer.builder(DURATION).description("wall time of a training run, evaluation included").register(registry);
        // Gauge.builder(name, Supplier) holds the supplier strongly (registry.gauge holds state weakly)
        Gauge.builder(EPOCH, epoch::get).description("epoch of the run in progress (0: none yet)").register(registry);
        Gauge.builder(LOSS, () -> loss).description("mean training loss of the last finished epoch").register(registry);
        Gauge.builder(VALIDATION_LOSS, () -> validationLoss).description("held-out loss of the last candidate")
                .register(registry);
        for (Region r : Region.values()) {
            Gauge.builder(VALIDATION_DICE, () -> dice == null ? Double.NaN : dice.get(r))
                    .description("held-out Dice of the last candidate").tag("region", RegionValues.key(r)).register(registry);
        }
        Gauge.builder(IN_PROGRESS, inProgress::get).description("1 while a model trains").register(registry);
        Gauge.builder(QUEUE_DEPTH, queueDepth).description("training requests waiting").register(registry);
        Gauge.builder(ACTIVE_VERSION, activeVersion).description("active model version on brainseg.models (0: none)")
                .tag("model", modelName).register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void started() {
        inProgress.set(1);
        epoch.set(0);
    }

    public void epoch(int e, double trainLoss) {
        epoch.set(e);
        loss = trainLoss;
    }

    public void candidate(Evaluation e) {
        validationLoss = e.loss() == null ? Double.NaN : e.loss();
        dice = e.dice();
    }

    /** Ends a run with a {@link TrainingOutcome#counted() counted} outcome. */
    public void finished(TrainingOutcome outcome, Duration took) {
        inProgress.set(0);
        Counter c = runs.get(outcome);
        if (c == null) {
            throw new IllegalArgumentException("unknown outcome " + outcome);
        }
        c.increment();
        if (took != null) {
            duration.record(took);
        }
    }

    /** A run given up without an outcome (the service is stopping). */
    public void abandoned() {
        inProgress.set(0);
    }

    public double count(String outcome) {
        return runs.get(outcome).count();
    }
}
