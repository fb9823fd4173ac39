package org.brainseg.service.kafka;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Kafka's producer test double with chosen transaction calls failing a given number of times
 * before working, or for good (Kafka's fatal error state): a real broker cannot be made to fail at
 * one chosen call. In service's test jar for the tests of every user of the
 * {@link TransactionalPublisher}.
 */
public class FlakyProducer extends MockProducer<byte[], byte[]> {
    public final AtomicInteger commitTimeouts = new AtomicInteger();
    public final AtomicInteger offsetTimeouts = new AtomicInteger();
    public final AtomicInteger fenced = new AtomicInteger();
    public final AtomicInteger commits = new AtomicInteger();
    public final AtomicInteger aborts = new AtomicInteger();
    /** Aborts refused (a non-timeout error) before one works. */
    public final AtomicInteger abortRefusals = new AtomicInteger();
    /**
     * Set: Kafka's fatal error state, entered at the next {@code sendOffsetsToTransaction}: from
     * then on every transactional call fails, naming this error as the cause, as a real producer's does.
     */
    public volatile RuntimeException breakWith;
    private volatile RuntimeException broken;

    public FlakyProducer() {
        super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private void failIfBroken() {
        if (broken != null) {
            throw new KafkaException("Cannot execute transactional method because we are in an error state", broken);
        }
    }

    @Override
    public void beginTransaction() {
        failIfBroken();
        super.beginTransaction();
    }

    @Override
    public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
        failIfBroken();
        if (breakWith != null) {
            broken = breakWith;
            throw breakWith;
        }
        if (fenced.get() > 0) {
            throw new ProducerFencedException("injected: fenced");
        }
        if (offsetTimeouts.getAndDecrement() > 0) {
            throw new TimeoutException("injected: AddOffsetsToTxn timed out");
        }
        super.sendOffsetsToTransaction(offsets, group);
    }

    @Override
    public void commitTransaction() {
        failIfBroken();
        if (commitTimeouts.getAndDecrement() > 0) {
            throw new TimeoutException("injected: EndTxn(commit) timed out");
        }
        commits.incrementAndGet();
        super.commitTransaction();
    }

    @Override
    public void abortTransaction() {
        aborts.incrementAndGet();
        failIfBroken();
        if (abortRefusals.getAndDecrement() > 0) {
            throw new KafkaException("injected: abort refused");
        }
        super.abortTransaction();
    }
}
