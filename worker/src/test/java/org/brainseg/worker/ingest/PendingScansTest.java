package org.brainseg.worker.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.brainseg.worker.pipeline.Outcome;
import org.junit.jupiter.api.Test;

/** The ingest loop's bookkeeping of scans in flight, without Kafka. */
class PendingScansTest {
    static final TopicPartition P0 = new TopicPartition("t", 0);
    static final TopicPartition P1 = new TopicPartition("t", 1);

    private static void finish(PendingScans.Slot s) {
        s.outcome = new Outcome(List.of(), null, null, 0);
    }

    @Test
    void shouldHandOutOnlyEachPartitionsFinishedPrefix() {
        PendingScans p = new PendingScans();
        PendingScans.Slot a = p.take(P0, 10);
        PendingScans.Slot b = p.take(P0, 11);
        PendingScans.Slot c = p.take(P1, 5);
        finish(b); // out of order: 11 finished before 10
        finish(c);

        PendingScans.Batch first = p.takeFinishedPrefix();
        assertThat(first.slots()).containsExactly(c);
        assertThat(first.offsets()).isEqualTo(Map.of(P1, new OffsetAndMetadata(6)));
        p.settled(first);
        assertThat(p.inFlight()).isEqualTo(2);

        finish(a);
        PendingScans.Batch second = p.takeFinishedPrefix();
        assertThat(second.slots()).containsExactly(a, b);
        assertThat(second.offsets()).isEqualTo(Map.of(P0, new OffsetAndMetadata(12)));
        p.settled(second);
        assertThat(p.inFlight()).isZero();
        assertThat(p.takeFinishedPrefix().isEmpty()).isTrue();
    }

    @Test
    void shouldRewindToTheFirstOffsetOfABatchAndDropWhatRunsAfterIt() {
        PendingScans p = new PendingScans();
        PendingScans.Slot a = p.take(P0, 3);
        p.take(P0, 4); // still running
        finish(a);
        PendingScans.Batch batch = p.takeFinishedPrefix();

        assertThat(p.rewind(batch)).isEqualTo(Map.of(P0, 3L));
        p.settled(batch);
        assertThat(p.inFlight()).as("the running scan is dropped too: it is redone after the seek").isZero();
        assertThat(p.anyPending(List.of(P0))).isFalse();
    }

    @Test
    void shouldForgetTheScansOfPartitionsTakenAway() {
        PendingScans p = new PendingScans();
        p.take(P0, 1);
        p.take(P0, 2);
        p.take(P1, 7);

        assertThat(p.anyPending(List.of(P0))).isTrue();
        assertThat(p.forget(List.of(P0))).isEqualTo(Map.of(P0, 2));
        assertThat(p.inFlight()).isEqualTo(1);
        assertThat(p.anyPending(List.of(P0))).isFalse();
        assertThat(p.anyPending(List.of(P1))).isTrue();
    }
}
