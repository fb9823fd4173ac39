package org.brainseg.worker.ingest;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.brainseg.worker.pipeline.Outcome;

/**
 * The scans taken from Kafka and not committed yet, per partition in offset order. Scans finish
 * out of order; only a partition's finished prefix may be committed (an offset commits everything
 * before it), so {@link #takeFinishedPrefix()} hands out exactly that. Pure bookkeeping, no Kafka
 * calls: the loop's thread owns it; inference threads only set a {@link Slot}'s outcome.
 */
final class PendingScans {
    /** One record taken from Kafka; the outcome is set by an inference thread. */
    static final class Slot {
        final TopicPartition tp;
        final long offset;
        volatile Outcome outcome;

        Slot(TopicPartition tp, long offset) {
            this.tp = tp;
            this.offset = offset;
        }
    }

    /** Finished scans to commit together, and the offsets past them. */
    record Batch(List<Slot> slots, Map<TopicPartition, OffsetAndMetadata> offsets) {
        boolean isEmpty() {
            return slots.isEmpty();
        }
    }

    private final Map<TopicPartition, TreeMap<Long, Slot>> pending = new HashMap<>();
    private final AtomicLong inFlight = new AtomicLong();

    /** Scans taken and not yet committed or given up (read from any thread). */
    long inFlight() {
        return inFlight.get();
    }

    /** Records a scan taken from {@code tp} at {@code offset}. */
    Slot take(TopicPartition tp, long offset) {
        Slot slot = new Slot(tp, offset);
        pending.computeIfAbsent(tp, k -> new TreeMap<>()).put(offset, slot);
        inFlight.incrementAndGet();
        return slot;
    }

    /** Removes and returns each partition's prefix of finished scans. */
    Batch takeFinishedPrefix() {
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
        return new Batch(batch, offsets);
    }

    /** A batch from {@link #takeFinishedPrefix()} is settled (committed or rewound). */
    void settled(Batch batch) {
        inFlight.addAndGet(-batch.slots().size());
    }

    /**
     * Drops everything pending on the partitions of {@code batch} (they are redone) and returns,
     * per partition, the first offset to seek back to.
     */
    Map<TopicPartition, Long> rewind(Batch batch) {
        Map<TopicPartition, Long> first = new HashMap<>();
        for (Slot s : batch.slots()) {
            first.merge(s.tp, s.offset, Math::min);
        }
        for (TopicPartition tp : first.keySet()) {
            TreeMap<Long, Slot> rest = pending.remove(tp);
            if (rest != null) {
                inFlight.addAndGet(-rest.size());
            }
        }
        return first;
    }

    /** Whether a scan of these partitions is still pending. */
    boolean anyPending(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            TreeMap<Long, Slot> q = pending.get(tp);
            if (q != null && !q.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** Gives up the scans of these partitions (another worker owns them now); returns how many per partition. */
    Map<TopicPartition, Integer> forget(Collection<TopicPartition> partitions) {
        Map<TopicPartition, Integer> dropped = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            TreeMap<Long, Slot> q = pending.remove(tp);
            if (q != null && !q.isEmpty()) {
                dropped.put(tp, q.size());
                inFlight.addAndGet(-q.size());
            }
        }
        return dropped;
    }
}
