package org.brainseg.trainer.service;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.brainseg.model.train.EpochResult;
import org.brainseg.model.train.StepProgress;
import org.brainseg.model.train.TrainingListener;
import org.brainseg.schemas.Event;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.EventDecodingException;
import org.brainseg.schemas.ModelCatalog;
import org.brainseg.schemas.ModelStatus;
import org.brainseg.schemas.ModelVersionPublished;
import org.brainseg.schemas.ScanFailed;
import org.brainseg.schemas.Topics;
import org.brainseg.schemas.TrainingRequested;
import org.brainseg.service.kafka.CatalogReader;
import org.brainseg.service.kafka.TransactionalLoop;
import org.brainseg.service.kafka.TransactionalPublisher;
import org.brainseg.service.run.Closeables;
import org.brainseg.trainer.registry.ModelRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.brainseg.trainer.config.TrainerConfig;
import org.brainseg.trainer.evaluation.PromotionGate;
import org.brainseg.trainer.registry.ShippedSeed;
import org.brainseg.trainer.registry.VersionRecord;
import org.brainseg.trainer.metrics.TrainerMetrics;

/**
 * The Kafka side of the trainer: takes one TrainingRequested at a time from
 * {@code brainseg.training.requests}, has {@link RequestHandler} train it on a separate thread
 * while the consumer keeps polling with its partitions paused (it stays in the group, and later
 * requests wait on the topic in order), then publishes the outcome and commits the request's offset
 * in one Kafka transaction: the new version's ModelVersionPublished (and the retired one when it
 * was promoted), or a ScanFailed naming the trainingRequestId of a request that cannot be served.
 * A crash before the commit
 * leaves the request uncommitted, and it is redone after the restart (reusing a version that
 * already reached the registry).
 *
 * <p>Publishing goes through the {@link TransactionalPublisher}: transient Kafka errors are
 * retried with its policy; what it cannot publish is fatal: the loop stops, and the service exits
 * for its orchestrator to restart it. {@link #stop()} abandons a run in progress at its next step,
 * uncommitted.
 */
public final class TrainerLoop extends TransactionalLoop {
    private static final Logger LOG = LoggerFactory.getLogger(TrainerLoop.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final CatalogReader catalog;
    private final RequestHandler handler;
    private final ModelRegistry registry;
    private final TrainerConfig config;
    private final PromotionGate gate;
    private final EventCodec codec;
    private final TrainerMetrics metrics;
    private final Clock clock;
    private final ExecutorService trainingThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "brainseg-training");
        t.setDaemon(true);
        return t;
    });

    private volatile long queue;
    private volatile int activeVersion;
    private volatile TrainerStatus.Current current;
    private volatile TrainerStatus.Last last;

    public TrainerLoop(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer, CatalogReader catalog,
            RequestHandler handler, ModelRegistry registry, TrainerConfig config, EventCodec codec, TrainerMetrics metrics,
            Clock clock) {
        super("trainer loop", consumer, producer, codec);
        this.catalog = catalog;
        this.handler = handler;
        this.registry = registry;
        this.config = config;
        this.gate = new PromotionGate(config.promotion().tolerance());
        this.codec = codec;
        this.metrics = metrics;
        this.clock = clock;
    }

    public long queue() {
        return queue;
    }

    public int activeVersion() {
        return activeVersion;
    }

    public TrainerStatus.Current current() {
        return current;
    }

    public TrainerStatus.Last last() {
        return last;
    }

    @Override
    protected void loop() throws Exception {
        catalog.catchUp();
        seedIfEmpty();
        updateActive();
        consumer.subscribe(List.of(Topics.TRAINING_REQUESTS));
        started();
        LOG.info("trainer ready: model {}, active version {}", config.registry().modelName(),
                activeVersion == 0 ? "none" : activeVersion);
        while (running()) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
            updateQueue();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                if (!running()) {
                    break; // not committed: redone after the restart
                }
                process(r);
            }
        }
    }

    /**
     * A fresh deployment (no version on brainseg.models, none in the registry) serves the shipped
     * default model at once: seeded as version 1 and published active. A start that stopped between
     * the two finds its seeded version and announces it.
     */
    private void seedIfEmpty() throws IOException {
        if (!config.registry().seedShippedModel() || !catalog.catalog().versions().isEmpty()) {
            return;
        }
        Optional<ShippedSeed.Seeded> s = ShippedSeed.seedOrFind(registry, config.registry().modelName(), clock);
        if (s.isEmpty()) {
            return;
        }
        ShippedSeed.Seeded v = s.get();
        ModelVersionPublished event = ModelEvents.version(config.registry().modelName(), v.version(), v.directory().toUri(),
                v.manifest(), v.record(), ModelStatus.ACTIVE, null, clock.instant());
        publisher.publish(List.of(event));
        catalog.catalog().apply(event);
        LOG.info("published the shipped default model as version {}, active (registry.seedShippedModel: false to "
                + "start empty)", v.version());
    }

    private void process(ConsumerRecord<byte[], byte[]> r) throws Exception {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        TrainingRequested req;
        try {
            req = codec.decode(r.value(), TrainingRequested.class);
        } catch (EventDecodingException e) {
            LOG.warn("{}-{}@{}: not a TrainingRequested ({}): {}", r.topic(), r.partition(), r.offset(), e.code(), e.getMessage());
            fail(r, tp, e.code(), e.getMessage(), null);
            return;
        }
        ModelCatalog snapshot = catalog.catchUp();
        consumer.pause(consumer.assignment());
        long t0 = System.nanoTime();
        current = new TrainerStatus.Current(req.requestId(), req.datasetUri().toString(), req.promotion().wire(), 0,
                req.epochs(), clock.instant().toString());
        metrics.started();
        LOG.info("request {} ({}-{}@{}): {} epochs of {} on {}, promotion {}; reason: {}", req.requestId(), r.topic(),
                r.partition(), r.offset(), req.epochs(), req.normalization(), req.datasetUri(), req.promotion(), req.reason());
        Future<RequestHandler.Result> f = trainingThread.submit(() -> handler.handle(req, snapshot, listener(req)));
        while (!f.isDone()) {
            // keeps the consumer in its group; paused, so nothing is returned, unless a rebalance
            // reset the pause: then the record is put back and the partition paused again
            for (ConsumerRecord<byte[], byte[]> early : consumer.poll(POLL)) {
                consumer.seek(new TopicPartition(early.topic(), early.partition()), early.offset());
            }
            consumer.pause(consumer.assignment());
            updateQueue();
        }
        RequestHandler.Result result;
        try {
            result = f.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TrainingCancelledException) {
                LOG.info("request {}: abandoned (stopping); it is redone after the restart", req.requestId());
                metrics.abandoned();
                current = null;
                return;
            }
            if (cause instanceof java.io.IOException io) {
                throw io; // the registry cannot be written: fatal
            }
            LOG.error("request {}: unexpected failure", req.requestId(), cause);
            result = new RequestHandler.Refused(org.brainseg.schemas.ErrorCode.INTERNAL,
                    "unexpected failure: " + cause);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        if (result instanceof RequestHandler.Trained t) {
            publish(r, tp, req, t, t.reused() ? Duration.ofMillis((long) (t.record().trainingSeconds() * 1000)) : took);
        } else if (result instanceof RequestHandler.Refused x) {
            LOG.warn("request {}: refused ({}): {}", req.requestId(), x.code(), x.message());
            fail(r, tp, x.code(), "training request " + req.requestId() + ": " + x.message(), req.requestId());
            metrics.finished(TrainingOutcome.FAILED, took);
        } else if (result instanceof RequestHandler.AlreadyDone d) {
            commit(List.of(), tp, r.offset());
            last = new TrainerStatus.Last(req.requestId(), TrainingOutcome.DUPLICATE, d.version(), Double.NaN, Double.NaN,
                    "already published as version " + d.version(), clock.instant().toString());
        }
        catalog.catchUp();
        updateActive();
        current = null;
        consumer.resume(consumer.assignment());
    }

    private void publish(ConsumerRecord<byte[], byte[]> r, TopicPartition tp, TrainingRequested req, RequestHandler.Trained t,
            Duration took) {
        ModelCatalog now = catalog.catchUp(); // an operator may have promoted or rolled back meanwhile
        Optional<ModelVersionPublished> active = now.active();
        VersionRecord rec = t.record();
        Double activeDice = rec.comparedWith() == null || active.isEmpty() ? null : rec.comparedWith().meanDice();
        PromotionGate.Decision d = gate.decide(req.promotion(), rec.candidate().meanDice(), activeDice);
        ModelVersionPublished event = ModelEvents.version(config.registry().modelName(), t.version(), t.directory().toUri(),
                t.manifest(), rec, d.status(), active.map(ModelVersionPublished::version).orElse(null), clock.instant());
        List<ModelVersionPublished> events = ModelCatalog.transition(event, active);
        commit(events, tp, r.offset());
        // fold what was just committed now: reading it back could miss it (the transaction markers,
        // hence the last stable offset, follow the commit asynchronously); folding twice is harmless
        events.forEach(catalog.catalog()::apply);
        updateActive();
        TrainingOutcome outcome = TrainingOutcome.of(d.status());
        metrics.candidate(rec.candidate());
        metrics.finished(outcome, took);
        LOG.info("request {}: version {} {}; {}{}", req.requestId(), t.version(), d.status(), d.reason(),
                events.size() > 1 ? "; version " + events.get(1).version() + " retired" : "");
        last = new TrainerStatus.Last(req.requestId(), outcome, t.version(), rec.candidate().meanDice(),
                rec.comparedWith() == null ? Double.NaN : rec.comparedWith().meanDice(), d.reason(), clock.instant().toString());
        prune(d.status() == ModelStatus.ACTIVE ? t.version() : active.map(ModelVersionPublished::version).orElse(0));
    }

    /**
     * A request that cannot be served: ScanFailed (no scanId; its trainingRequestId when it could be
     * read; the request's provenance) and its offset, one transaction.
     */
    private void fail(ConsumerRecord<byte[], byte[]> r, TopicPartition tp, org.brainseg.schemas.ErrorCode code, String message,
            String requestId) {
        ScanFailed failed = ScanFailed.ofTrainingRequest(requestId, new ScanFailed.Source(r.topic(), r.partition(), r.offset()),
                code, message, r.value(), clock.instant());
        commit(List.of(failed), tp, r.offset());
        if (requestId == null) {
            metrics.finished(TrainingOutcome.FAILED, null);
        }
        last = new TrainerStatus.Last(requestId, TrainingOutcome.FAILED, 0, Double.NaN, Double.NaN, code + ": " + message,
                clock.instant().toString());
    }

    /** The outcome and the request's offset in one transaction; not published is fatal (the restart redoes it). */
    private void commit(List<? extends Event> events, TopicPartition tp, long offset) {
        try {
            publisher.publish(events, Map.of(tp, new OffsetAndMetadata(offset + 1)), consumer.groupMetadata());
        } catch (TransactionalPublisher.NotPublishedException e) {
            throw new IllegalStateException("publishing the outcome of " + tp + "@" + offset + " failed: " + e.getMessage(), e);
        }
    }

    /** Deletes old versions beyond registry.keepLatest, never the active one nor its rollback target. */
    private void prune(int active) {
        Set<Integer> keep = new HashSet<>();
        if (active > 0) {
            keep.add(active);
        }
        catalog.catalog().rollbackTarget().ifPresent(v -> keep.add(v.version()));
        try {
            List<Integer> gone = registry.prune(config.registry().modelName(), config.registry().keepLatest(), keep);
            if (!gone.isEmpty()) {
                LOG.info("pruned versions {} (keeping the {} latest and {})", gone, config.registry().keepLatest(), keep);
            }
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warn("pruning the registry failed: {}", e.toString());
        }
    }

    private TrainingListener listener(TrainingRequested req) {
        return new TrainingListener() {
            @Override
            public void onStep(StepProgress p) {
                if (!running()) {
                    throw new TrainingCancelledException("the trainer is stopping");
                }
            }

            @Override
            public void onEpoch(EpochResult e) {
                metrics.epoch(e.epoch(), e.trainLoss());
                TrainerStatus.Current c = current;
                if (c != null) {
                    current = new TrainerStatus.Current(c.requestId(), c.datasetUri(), c.promotion(), e.epoch(), c.epochs(),
                            c.startedAt());
                }
                LOG.info(String.format(Locale.ROOT, "request %s: epoch %d/%d, training loss %.4f, %.1f s", req.requestId(),
                        e.epoch(), req.epochs(), e.trainLoss(), e.seconds()));
            }
        };
    }

    private void updateActive() {
        activeVersion = catalog.catalog().active().map(ModelVersionPublished::version).orElse(0);
    }

    private void updateQueue() {
        long n = 0;
        for (TopicPartition tp : consumer.assignment()) {
            OptionalLong lag = consumer.currentLag(tp);
            n += lag.isPresent() ? lag.getAsLong() : 0;
        }
        queue = n;
    }

    @Override
    protected void close() {
        trainingThread.shutdownNow();
        Closeables.closeQuietly("the consumer", () -> consumer.close(Duration.ofSeconds(5)), LOG);
        Closeables.closeQuietly("the producer", () -> producer.close(Duration.ofSeconds(5)), LOG);
        Closeables.closeQuietly("the catalog reader", catalog, LOG);
        LOG.debug("trainer loop closed at {}", Instant.now());
    }
}
