package org.brainseg.worker.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.brainseg.schemas.DiceReported;
import org.brainseg.schemas.Event;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.ScanFailed;
import org.brainseg.schemas.Topics;
import org.brainseg.worker.WorkerMetrics;
import org.brainseg.worker.pipeline.Outcome;
import org.brainseg.worker.pipeline.ScanProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka side of the worker: polls {@code brainseg.scans.arrived}, hands each record to the
 * inference pool, and publishes outputs exactly once.
 *
 * <p>Exactly once: a scan's output events and the consumer offset past it are committed in one
 * Kafka transaction. Scans finish out of order, so outputs wait until every earlier offset of
 * their partition has finished too; then the whole finished prefix is committed at once. A
 * crash at any moment leaves either the outputs and the offset, or neither: the scan is redone
 * and its mask path is deterministic, so nothing is duplicated for a read_committed consumer.
 *
 * <p>Backpressure: at most {@code maxInFlight} scans are taken and not yet committed; at the bound
 * all partitions are paused with the consumer's own pause, and polling continues (no rebalance).
 *
 * <p>Everything Kafka happens on the loop's own thread (the consumer is not thread-safe); the
 * inference threads only fill slots and signal.
 */
public final class IngestLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(IngestLoop.class);
    private static final Duration POLL = Duration.ofMillis(100);
    /** While scans run, poll briefly so a finished scan is committed (and the next one taken) at once. */
    private static final Duration POLL_BUSY = Duration.ofMillis(5);
    /** About a minute of capped backoff before a batch is rewound and redone. */
    private static final int MAX_COMMIT_ATTEMPTS = 12;
    /** How long a commit or abort whose outcome is unknown (timed out) is retried before the loop stops. */
    private static final Duration UNKNOWN_OUTCOME_PATIENCE = Duration.ofMinutes(5);

    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final ExecutorService inference;
    private final ScanProcessor processor;
    private final EventCodec codec;
    private final WorkerMetrics metrics;
    private final int maxInFlight;
    private final Duration drainTimeout;

    private final Map<TopicPartition, TreeMap<Long, Slot>> pending = new HashMap<>();
    private final AtomicLong inFlight = new AtomicLong();
    private volatile boolean running = true;
    private volatile boolean started;
    private volatile Throwable fatal;
    private volatile List<TopicPartition> assigned = List.of();

    /** One record taken from Kafka; the outcome is set by an inference thread. */
    private static final class Slot {
        final TopicPartition tp;
        final long offset;
        volatile Outcome outcome;

        Slot(TopicPartition tp, long offset) {
            this.tp = tp;
            this.offset = offset;
        }
    }

    public IngestLoop(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer, ExecutorService inference,
            ScanProcessor processor, EventCodec codec, WorkerMetrics metrics, int maxInFlight, Duration drainTimeout) {
        this.consumer = consumer;
        this.producer = producer;
        this.inference = inference;
        this.processor = processor;
        this.codec = codec;
        this.metrics = metrics;
        this.maxInFlight = maxInFlight;
        this.drainTimeout = drainTimeout;
    }

    /** Scans taken from Kafka whose outputs are not committed yet. */
    public long inFlight() {
        return inFlight.get();
    }

    public List<TopicPartition> assignment() {
        return assigned;
    }

    /** Whether the loop is polling (after transactions were initialised and the subscription made). */
    public boolean isRunning() {
        return started && running && fatal == null;
    }

    /** The fault that stopped the loop, or null. */
    public Throwable fatal() {
        return fatal;
    }

    /** Asks the loop to finish in-flight scans, commit and return; does not wait. */
    public void stop() {
        running = false;
    }

    @Override
    public void run() {
        try {
            producer.initTransactions();
            consumer.subscribe(List.of(Topics.SCANS_ARRIVED), new Rebalance());
            started = true;
            while (running) {
                backpressure();
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(inFlight.get() > 0 ? POLL_BUSY : POLL)) {
                    dispatch(r);
                }
                commitFinished();
            }
            drain();
        } catch (WakeupException e) {
            LOG.info("ingest loop woken up to stop");
        } catch (Throwable t) {
            fatal = explain(t);
            LOG.error("ingest loop stopped by a fatal error", fatal);
        } finally {
            close();
        }
    }

    /**
     * A refused login or TLS handshake is a configuration fault, not a transient one: say so
     * plainly, naming where the settings come from, instead of Kafka's bare exception.
     */
    static Throwable explain(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof AuthenticationException a) {
                return new IllegalStateException("Kafka authentication failed: " + a.getMessage()
                        + " (check kafka.properties: security.protocol, sasl.mechanism, sasl.jaas.config, ssl.truststore.*)", t);
            }
        }
        return t;
    }

    private void dispatch(ConsumerRecord<byte[], byte[]> r) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        Slot slot = new Slot(tp, r.offset());
        pending.computeIfAbsent(tp, k -> new TreeMap<>()).put(r.offset(), slot);
        inFlight.incrementAndGet();
        metrics.received();
        long polledAt = System.nanoTime();
        ScanFailed.Source source = new ScanFailed.Source(r.topic(), r.partition(), r.offset());
        inference.execute(() -> {
            long queuedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - polledAt);
            Outcome o;
            try {
                o = processor.process(source, r.value(), queuedMs);
            } catch (Throwable t) { // a slot must always finish, or its partition would stall
                o = processor.internalFailure(source, r.value(), t);
            }
            slot.outcome = o;
        });
    }

    /** Pauses every partition at the in-flight bound, resumes below it. */
    private void backpressure() {
        if (inFlight.get() >= maxInFlight) {
            consumer.pause(consumer.assignment());
        } else if (!consumer.paused().isEmpty()) {
            consumer.resume(consumer.paused());
        }
    }

    /** Commits, in one transaction, each partition's prefix of finished scans with its offsets. */
    private void commitFinished() {
        List<Slot> batch = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, TreeMap<Long, Slot>> e : pending.entrySet()) {
            TreeMap<Long, Slot> q = e.getValue();
            while (!q.isEmpty() && q.firstEntry().getValue().outcome != null) {
                Slot s = q.pollFirstEntry().getValue();
                batch.add(s);
                offsets.put(e.getKey(), new OffsetAndMetadata(s.offset + 1));
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        long t0 = System.nanoTime();
        boolean committed = commit(batch, offsets);
        LOG.debug("committed {} scans in {} ms", batch.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        inFlight.addAndGet(-batch.size());
        if (committed) {
            for (Slot s : batch) {
                record(s.outcome);
            }
        }
    }

    /**
     * One transaction: outputs of {@code batch} and the offsets past them. Transient broker
     * errors are retried with capped backoff. Until {@code commitTransaction} is called, a
     * failed attempt is aborted (the abort itself retried until the broker confirms it) and
     * redone; when the transaction cannot be committed (the broker stays away, or the group
     * moved on), nothing of it is visible, and the partitions are rewound so the scans are
     * redone: never lost, never committed twice.
     *
     * <p>A {@code commitTransaction} that times out has an unknown outcome: the broker may
     * commit it once it answers. It is therefore never aborted nor rewound (a redo could then
     * publish twice) but retried, which resumes the same request, until it completes; past
     * {@link #UNKNOWN_OUTCOME_PATIENCE} the loop stops as fatal and the restarted worker's
     * {@code initTransactions} settles the transaction.
     */
    private boolean commit(List<Slot> batch, Map<TopicPartition, OffsetAndMetadata> offsets) {
        for (int attempt = 1; ; attempt++) {
            try {
                producer.beginTransaction();
                for (Slot s : batch) {
                    for (Event ev : s.outcome.events()) {
                        producer.send(new ProducerRecord<>(Topics.forEvent(ev.getClass()).name(), key(ev), codec.encode(ev)));
                    }
                }
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            } catch (KafkaException e) {
                throwIfFatal(e);
                abortCompletely(e);
                if (!retryOrRewind(batch, attempt, e)) {
                    return false;
                }
                continue;
            }
            try {
                finishCommit(batch.size());
                return true;
            } catch (KafkaException e) {
                // refused (not timed out): nothing of the transaction is visible
                throwIfFatal(e);
                abortCompletely(e);
                if (!retryOrRewind(batch, attempt, e)) {
                    return false;
                }
            }
        }
    }

    /** After an aborted attempt: true to try again (after a backoff), false once the batch was rewound. */
    private boolean retryOrRewind(List<Slot> batch, int attempt, KafkaException e) {
        if (e instanceof CommitFailedException || attempt >= MAX_COMMIT_ATTEMPTS) {
            LOG.warn("giving up committing {} scans after {} attempts ({}); rewinding to redo them", batch.size(), attempt,
                    e.toString());
            rewind(batch);
            return false;
        }
        long wait = backoffMs(attempt);
        LOG.warn("commit of {} scans failed (attempt {}): {}; retrying in {} ms", batch.size(), attempt, e.toString(), wait);
        sleep(wait);
        return true;
    }

    /** {@code commitTransaction}, retried while it times out (same request resumed), bounded by the patience. */
    private void finishCommit(int scans) {
        long deadline = System.nanoTime() + UNKNOWN_OUTCOME_PATIENCE.toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                producer.commitTransaction();
                return;
            } catch (TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("commit of " + scans + " scans still unconfirmed after "
                            + UNKNOWN_OUTCOME_PATIENCE.toSeconds() + " s; stopping so that a restart settles it", e);
                }
                long wait = backoffMs(attempt);
                LOG.warn("commit of {} scans not confirmed yet (attempt {}: {}); retrying the commit in {} ms", scans, attempt,
                        e.getMessage(), wait);
                sleep(wait);
            }
        }
    }

    /**
     * Aborts the open transaction and waits until the broker confirmed it: a timed-out abort
     * must be retried before the producer accepts a new transaction.
     */
    private void abortCompletely(KafkaException cause) {
        long deadline = System.nanoTime() + UNKNOWN_OUTCOME_PATIENCE.toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                producer.abortTransaction();
                return;
            } catch (TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("abort not confirmed after " + UNKNOWN_OUTCOME_PATIENCE.toSeconds()
                            + " s (first failure: " + cause + ")", e);
                }
                sleep(backoffMs(attempt));
            } catch (KafkaException e) {
                throwIfFatal(e);
                LOG.debug("abort after {}: {}", cause.toString(), e.toString());
                return;
            } catch (IllegalStateException e) {
                // no transaction was open (beginTransaction itself failed): nothing to abort
                LOG.debug("nothing to abort after {}: {}", cause.toString(), e.getMessage());
                return;
            }
        }
    }

    /**
     * Another instance owns our transactional id, we may not write, or the producer is in an
     * unrecoverable state: fatal. Nothing uncommitted is visible, so whoever owns the partitions
     * next redoes the scans.
     */
    private static void throwIfFatal(KafkaException e) {
        if (e instanceof ProducerFencedException || e instanceof OutOfOrderSequenceException
                || e instanceof InvalidProducerEpochException || e instanceof AuthorizationException
                || e instanceof AuthenticationException || e instanceof UnsupportedVersionException) {
            throw e;
        }
    }

    private static long backoffMs(int attempt) {
        return Math.min(10_000, 100L << Math.min(7, attempt));
    }

    /** Seeks each partition of {@code batch} back to its first uncommitted scan and drops what runs there. */
    private void rewind(List<Slot> batch) {
        Map<TopicPartition, Long> first = new HashMap<>();
        for (Slot s : batch) {
            first.merge(s.tp, s.offset, Math::min);
        }
        first.forEach((tp, offset) -> {
            TreeMap<Long, Slot> rest = pending.remove(tp);
            if (rest != null) {
                inFlight.addAndGet(-rest.size());
            }
            if (consumer.assignment().contains(tp)) {
                consumer.seek(tp, offset);
            }
        });
    }

    private static byte[] key(Event ev) {
        String k = Topics.key(ev);
        return k == null ? null : k.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private void record(Outcome o) {
        if (o.failed()) {
            metrics.failed(o.error());
            return;
        }
        metrics.completed(o.timings());
        for (Event ev : o.events()) {
            if (ev instanceof DiceReported d) {
                metrics.dice(d);
            }
        }
    }

    /** Stops taking scans, lets in-flight ones finish (bounded), commits what finished. */
    private void drain() {
        consumer.pause(consumer.assignment());
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(50));
            commitFinished();
        }
        if (inFlight.get() > 0) {
            LOG.warn("stopping with {} scans unfinished; they are not committed and will be redone", inFlight.get());
        }
    }

    private void close() {
        inference.shutdownNow();
        try {
            consumer.close(Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            LOG.warn("consumer close: {}", e.toString());
        }
        try {
            producer.close(Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            LOG.warn("producer close: {}", e.toString());
        }
        running = false;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Finish and commit what runs on these partitions before another worker takes them.
            long deadline = System.nanoTime() + drainTimeout.toNanos();
            while (running(partitions) && System.nanoTime() < deadline) {
                sleep(20);
                commitFinished();
            }
            commitFinished();
            forget(partitions);
            assigned = List.copyOf(consumer.assignment().stream().filter(tp -> !partitions.contains(tp)).toList());
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions); // cannot commit for them any more; the new owner redoes them
            assigned = List.copyOf(consumer.assignment().stream().filter(tp -> !partitions.contains(tp)).toList());
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            assigned = List.copyOf(consumer.assignment());
            LOG.info("assigned {}", partitions);
        }

        private boolean running(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                TreeMap<Long, Slot> q = pending.get(tp);
                if (q != null && !q.isEmpty()) {
                    return true;
                }
            }
            return false;
        }

        private void forget(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                TreeMap<Long, Slot> q = pending.remove(tp);
                if (q != null && !q.isEmpty()) {
                    LOG.warn("{}: {} scans given up uncommitted at rebalance; the next owner redoes them", tp, q.size());
                    inFlight.addAndGet(-q.size());
                }
            }
        }
    }
}
