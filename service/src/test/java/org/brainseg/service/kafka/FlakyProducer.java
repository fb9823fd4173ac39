package org.brainseg.service.kafka;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Kafka's producer test double with chosen transaction calls failing a given number of times
 * before working (a real broker cannot be made to time out at one chosen call). In service's test
 * jar for the tests of every user of the {@link TransactionalPublisher}.
 */
public class FlakyProducer extends MockProducer<byte[], byte[]> {
    public final AtomicInteger commitTimeouts = new AtomicInteger();
    public final AtomicInteger offsetTimeouts = new AtomicInteger();
    public final AtomicInteger fenced = new AtomicInteger();
    public final AtomicInteger commits = new AtomicInteger();
    public final AtomicInteger aborts = new AtomicInteger();

    public FlakyProducer() {
        super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
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
        if (commitTimeouts.getAndDecrement() > 0) {
            throw new TimeoutException("injected: EndTxn(commit) timed out");
        }
        commits.incrementAndGet();
        super.commitTransaction();
    }

    @Override
    public void abortTransaction() {
        aborts.incrementAndGet();
        super.abortTransaction();
    }
}
