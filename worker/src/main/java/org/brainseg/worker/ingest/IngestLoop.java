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
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.WakeupException;
import org.brainseg.schemas.DiceReported;
import org.brainseg.schemas.Event;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.ScanFailed;
import org.brainseg.schemas.Topics;
import org.brainseg.service.kafka.TransactionalPublisher;
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

    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final TransactionalPublisher publisher;
    private final ExecutorService inference;
    private final ScanProcessor processor;
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
        this.publisher = new TransactionalPublisher(producer, codec, TransactionalPublisher.Policy.SERVICE);
        this.inference = inference;
        this.processor = processor;
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
            publisher.init();
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
     * One transaction: outputs of {@code batch} and the offsets past them, through the
     * {@link TransactionalPublisher} and its retry policy. When the transaction cannot be committed
     * (the broker stays away, or the group moved on), nothing of it is visible, and the partitions
     * are rewound so the scans are redone: never lost, never committed twice. A commit whose
     * outcome stays unknown stops the loop as fatal: the restarted worker's
     * {@code initTransactions} settles it.
     */
    private boolean commit(List<Slot> batch, Map<TopicPartition, OffsetAndMetadata> offsets) {
        List<Event> events = new ArrayList<>();
        for (Slot s : batch) {
            events.addAll(s.outcome.events());
        }
        try {
            publisher.publish(events, offsets, consumer.groupMetadata());
            return true;
        } catch (TransactionalPublisher.NotPublishedException e) {
            LOG.warn("giving up committing {} scans ({}); rewinding to redo them", batch.size(), e.getMessage());
            rewind(batch);
            return false;
        }
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
