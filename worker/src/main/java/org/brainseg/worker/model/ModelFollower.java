package org.brainseg.worker.model;

import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.EventDecodingException;
import org.brainseg.schemas.ModelCatalog;
import org.brainseg.schemas.ModelVersionPublished;
import org.brainseg.schemas.Topics;
import org.brainseg.worker.WorkerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows {@code brainseg.models} and keeps the {@link ModelHolder} serving the active version of
 * one model name. Runs on its own daemon thread with its own consumer: no group (it assigns the
 * topic's single partition and reads it from the beginning, read_committed, so a promotion's two
 * events are seen together or not at all) and folds every event into a {@link ModelCatalog}.
 *
 * <p>Once it has read up to the end of the topic, whenever the catalog's active version differs
 * from the one served (a promotion or a rollback, which take the same path), it loads the version
 * on this thread, verifies and warms it up ({@link Loader}), and swaps it in: scans that started
 * on the old version finish on it, whose native memory is freed after the last of them. A version
 * that fails is refused: the old one keeps serving, the reason is logged, counted and kept for
 * {@code /v1/status}, and the same announcement (version, checksum, event) is never tried again,
 * so a broken version cannot cause a hot loop; publishing it again retries it.
 *
 * <p>Broker errors are retried with capped exponential backoff and reported in the status.
 */
public final class ModelFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelFollower.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration END_OFFSETS_TIMEOUT = Duration.ofSeconds(5);
    private static final long MAX_BACKOFF_MS = 10_000;
    private static final int REMEMBERED_REFUSALS = 1000;

    /** Loads, verifies and warms up one version; the caller owns the result. */
    @FunctionalInterface
    public interface Loader {
        ServingModel load(ModelVersionPublished version) throws ModelRefusedException;
    }

    private final Consumer<byte[], byte[]> consumer;
    private final ModelCatalog catalog;
    private final Loader loader;
    private final ModelHolder holder;
    private final WorkerMetrics metrics;
    private final Runnable onFirstModel;
    private final Clock clock;
    private final EventCodec codec = new EventCodec();
    private final TopicPartition partition = new TopicPartition(Topics.MODELS, 0);
    /** Announcements refused, by version, checksum and event id; bounded, oldest forgotten first. */
    private final Set<String> refusedKeys = Collections.newSetFromMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_REFUSALS;
        }
    });
    private final Thread thread;

    private volatile boolean running = true;
    private volatile boolean caughtUp;
    private volatile Integer activeVersion;
    private volatile Integer loadingVersion;
    private volatile ModelFollowStatus.Refusal lastRefused;
    private volatile String brokerError;
    private ModelVersionPublished served;
    private long endOffset = -1;
    private boolean noActiveLogged;

    /**
     * @param consumer a consumer without group, read_committed, used only by this follower (which closes it)
     * @param name the model name to follow
     * @param onFirstModel run once, on the follower's thread, after the first version is swapped in
     */
    public ModelFollower(Consumer<byte[], byte[]> consumer, String name, Loader loader, ModelHolder holder,
            WorkerMetrics metrics, Runnable onFirstModel, Clock clock) {
        this.consumer = consumer;
        this.catalog = new ModelCatalog(name);
        this.loader = loader;
        this.holder = holder;
        this.metrics = metrics;
        this.onFirstModel = onFirstModel;
        this.clock = clock;
        this.thread = new Thread(this::run, "brainseg-model-follower");
        this.thread.setDaemon(true);
    }

    public synchronized void start() {
        if (running && !thread.isAlive()) {
            thread.start();
        }
    }

    /** A snapshot for {@code /v1/status}. */
    public ModelFollowStatus status() {
        return new ModelFollowStatus("follow", catalog.name(), activeVersion, loadingVersion, caughtUp,
                metrics.swapCount(WorkerMetrics.SWAPPED), metrics.swapCount(WorkerMetrics.REFUSED), lastRefused, brokerError);
    }

    private void run() {
        long backoff = 100;
        try {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            while (running) {
                try {
                    step();
                    if (brokerError != null) {
                        LOG.info("{}: reachable again", Topics.MODELS);
                        brokerError = null;
                    }
                    backoff = 100;
                } catch (WakeupException e) {
                    if (running) {
                        throw e;
                    }
                } catch (KafkaException e) {
                    if (!e.toString().equals(brokerError)) {
                        LOG.warn("{}: {}; retrying with backoff (the served model, if any, keeps serving)", Topics.MODELS,
                                e.toString());
                    }
                    brokerError = e.toString();
                    sleep(backoff);
                    backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException | Error e) {
            brokerError = "model follower stopped: " + e;
            LOG.error("model follower stopped unexpectedly; the served model, if any, keeps serving", e);
        } finally {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.debug("closing the models consumer: {}", e.toString());
            }
        }
    }

    /** One poll; once caught up with the topic, makes the served version the active one. */
    private void step() {
        if (!caughtUp && endOffset < 0) {
            // under read_committed this is the last stable offset: everything committed so far
            Long end = consumer.endOffsets(List.of(partition), END_OFFSETS_TIMEOUT).get(partition);
            endOffset = end == null ? 0 : end;
        }
        fold(consumer.poll(POLL));
        if (!caughtUp && consumer.position(partition, END_OFFSETS_TIMEOUT) >= endOffset) {
            caughtUp = true;
            LOG.info("{}: read to the end; active version of '{}': {}", Topics.MODELS, catalog.name(),
                    catalog.active().map(v -> "v" + v.version()).orElse("none"));
        }
        if (caughtUp) {
            reconcile();
        }
    }

    private void fold(ConsumerRecords<byte[], byte[]> records) {
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (r.value() == null) {
                continue; // a tombstone: compaction removes the key, nothing to fold
            }
            try {
                catalog.apply(codec.decode(r.value(), ModelVersionPublished.class));
            } catch (EventDecodingException e) {
                LOG.warn("{} offset {}: skipped, not a valid ModelVersionPublished: {}", Topics.MODELS, r.offset(),
                        e.getMessage());
            }
        }
        activeVersion = catalog.active().map(ModelVersionPublished::version).orElse(null);
    }

    private void reconcile() {
        Optional<ModelVersionPublished> active = catalog.active();
        if (active.isEmpty()) {
            if (served != null && !noActiveLogged) {
                LOG.warn("no version of '{}' is active on {} any more; keeping v{}", catalog.name(), Topics.MODELS,
                        served.version());
                noActiveLogged = true;
            }
            return;
        }
        noActiveLogged = false;
        ModelVersionPublished want = active.get();
        if (sameModel(want, served) || refusedKeys.contains(refusalKey(want))) {
            return;
        }
        loadAndSwap(want);
    }

    private void loadAndSwap(ModelVersionPublished want) {
        loadingVersion = want.version();
        long t0 = System.nanoTime();
        String was = served == null ? "nothing" : "v" + served.version();
        LOG.info("model '{}' v{} is active (serving {}): loading {}", want.name(), want.version(), was, want.artifactUri());
        ServingModel next;
        try {
            next = loader.load(want);
        } catch (ModelRefusedException e) {
            refuse(want, e.getMessage(), e.getCause());
            return;
        } catch (RuntimeException | OutOfMemoryError e) {
            refuse(want, "loading failed: " + e, e);
            return;
        } finally {
            loadingVersion = null;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        // A newer announcement may have arrived during the load: serve the latest word, not this one.
        try {
            fold(consumer.poll(Duration.ZERO));
        } catch (RuntimeException e) {
            next.release();
            throw e;
        }
        if (!running || !catalog.active().map(a -> sameModel(a, want)).orElse(false)) {
            LOG.info("model v{} loaded but superseded before the swap; dropped", want.version());
            next.release();
            return;
        }
        boolean first = served == null;
        holder.swap(next);
        served = want;
        metrics.modelSwapped(took);
        LOG.info("now serving model '{}' v{} (was {}): loaded, verified and warmed up in {} ms", want.name(),
                want.version(), was, took.toMillis());
        if (first) {
            onFirstModel.run();
        }
    }

    private void refuse(ModelVersionPublished v, String reason, Throwable cause) {
        refusedKeys.add(refusalKey(v));
        lastRefused = new ModelFollowStatus.Refusal(v.version(), v.sha256(), reason, clock.instant().toString());
        metrics.modelRefused();
        String serving = served == null ? "nothing yet (not ready)" : "v" + served.version();
        if (cause instanceof RuntimeException || cause instanceof Error) {
            LOG.warn("refused model '{}' v{}: {}; still serving {}", v.name(), v.version(), reason, serving, cause);
        } else {
            LOG.warn("refused model '{}' v{}: {}; still serving {}", v.name(), v.version(), reason, serving);
        }
    }

    private static boolean sameModel(ModelVersionPublished a, ModelVersionPublished b) {
        return a != null && b != null && a.version() == b.version() && a.sha256().equals(b.sha256());
    }

    private static String refusalKey(ModelVersionPublished v) {
        return v.version() + "/" + v.sha256() + "/" + v.eventId();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops following (waits for a load in progress, bounded); the served model stays in the holder. */
    @Override
    public synchronized void close() {
        boolean wasRunning = running;
        running = false;
        if (wasRunning && thread.getState() == Thread.State.NEW) {
            consumer.close(Duration.ofSeconds(5)); // never started: nobody else will close it
            return;
        }
        consumer.wakeup();
        try {
            thread.join(TimeUnit.MINUTES.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
