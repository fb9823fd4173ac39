package org.brainseg.worker.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.brainseg.schemas.DiceReported;
import org.brainseg.schemas.Event;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.ScanFailed;
import org.brainseg.schemas.SegmentationCompleted;
import org.brainseg.schemas.Topics;
import org.brainseg.service.kafka.TransactionalLoop;
import org.brainseg.service.kafka.TransactionalPublisher;
import org.brainseg.service.run.Closeables;
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
 * inference threads only fill slots and signal. {@link #stop()} finishes the scans in flight,
 * commits and returns.
 */
public final class IngestLoop extends TransactionalLoop {
    private static final Logger LOG = LoggerFactory.getLogger(IngestLoop.class);
    private static final Duration POLL = Duration.ofMillis(100);
    /** While scans run, poll briefly so a finished scan is committed (and the next one taken) at once. */
    private static final Duration POLL_BUSY = Duration.ofMillis(5);

    private final ExecutorService inference;
    private final ScanProcessor processor;
    private final WorkerMetrics metrics;
    private final int maxInFlight;
    private final Duration drainTimeout;

    private final PendingScans pending = new PendingScans();
    private volatile List<TopicPartition> assigned = List.of();

    public IngestLoop(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer, ExecutorService inference,
            ScanProcessor processor, EventCodec codec, WorkerMetrics metrics, int maxInFlight, Duration drainTimeout) {
        super("ingest loop", consumer, producer, codec);
        this.inference = inference;
        this.processor = processor;
        this.metrics = metrics;
        this.maxInFlight = maxInFlight;
        this.drainTimeout = drainTimeout;
    }

    /** Scans taken from Kafka whose outputs are not committed yet. */
    public long inFlight() {
        return pending.inFlight();
    }

    public List<TopicPartition> assignment() {
        return assigned;
    }

    @Override
    protected void loop() {
        consumer.subscribe(List.of(Topics.SCANS_ARRIVED), new Rebalance());
        started();
        while (running()) {
            backpressure();
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(pending.inFlight() > 0 ? POLL_BUSY : POLL)) {
                dispatch(r);
            }
            commitFinished();
        }
        drain();
    }

    private void dispatch(ConsumerRecord<byte[], byte[]> r) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        PendingScans.Slot slot = pending.take(tp, r.offset());
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
        if (pending.inFlight() >= maxInFlight) {
            consumer.pause(consumer.assignment());
        } else if (!consumer.paused().isEmpty()) {
            consumer.resume(consumer.paused());
        }
    }

    /** Commits, in one transaction, each partition's prefix of finished scans with its offsets. */
    private void commitFinished() {
        PendingScans.Batch batch = pending.takeFinishedPrefix();
        if (batch.isEmpty()) {
            return;
        }
        long t0 = System.nanoTime();
        boolean committed = commit(batch);
        LOG.debug("committed {} scans in {} ms", batch.slots().size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        pending.settled(batch);
        if (committed) {
            for (PendingScans.Slot s : batch.slots()) {
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
    private boolean commit(PendingScans.Batch batch) {
        List<Event> events = new ArrayList<>();
        for (PendingScans.Slot s : batch.slots()) {
            events.addAll(s.outcome.events());
        }
        try {
            publisher.publish(events, batch.offsets(), consumer.groupMetadata());
            return true;
        } catch (TransactionalPublisher.NotPublishedException e) {
            LOG.warn("giving up committing {} scans ({}); rewinding to redo them", batch.slots().size(), e.getMessage());
            rewind(batch);
            return false;
        }
    }

    /** Seeks each partition of {@code batch} back to its first uncommitted scan and drops what runs there. */
    private void rewind(PendingScans.Batch batch) {
        pending.rewind(batch).forEach((tp, offset) -> {
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
            } else if (ev instanceof SegmentationCompleted s && s.quality() != null) {
                metrics.quality(s.quality());
            }
        }
    }

    /** Stops taking scans, lets in-flight ones finish (bounded), commits what finished. */
    private void drain() {
        consumer.pause(consumer.assignment());
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        while (pending.inFlight() > 0 && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(50));
            commitFinished();
        }
        if (pending.inFlight() > 0) {
            LOG.warn("stopping with {} scans unfinished; they are not committed and will be redone", pending.inFlight());
        }
    }

    @Override
    protected void close() {
        inference.shutdownNow();
        Closeables.closeQuietly("the consumer", () -> consumer.close(Duration.ofSeconds(10)), LOG);
        Closeables.closeQuietly("the producer", () -> producer.close(Duration.ofSeconds(10)), LOG);
        stop();
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
            if (fatal() != null) {
                // Closing after a fatal error (Kafka refusing our credentials, say): a commit cannot succeed and
                // its retries would hold the exit for minutes. Nothing is lost: the next owner redoes these scans.
                onPartitionsLost(partitions);
                return;
            }
            // Finish and commit what runs on these partitions before another worker takes them.
            long deadline = System.nanoTime() + drainTimeout.toNanos();
            while (pending.anyPending(partitions) && System.nanoTime() < deadline) {
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

        private void forget(Collection<TopicPartition> partitions) {
            pending.forget(partitions).forEach((tp, n) ->
                    LOG.warn("{}: {} scans given up uncommitted at rebalance; the next owner redoes them", tp, n));
        }
    }
}
