package org.brainseg.service.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.EventDecodingException;
import org.brainseg.schemas.ModelCatalog;
import org.brainseg.schemas.ModelVersionPublished;
import org.brainseg.schemas.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link ModelCatalog} up to date with {@code brainseg.models}, read with
 * {@code read_committed} by assignment (no group): {@link #catchUp()} reads every committed record
 * up to the end offsets seen when called. Not thread-safe: one owner thread.
 */
public final class CatalogReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogReader.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final ModelCatalog catalog;
    private final EventCodec codec;
    private final List<TopicPartition> parts;
    private final Duration timeout;

    /**
     * @throws BrokerUnavailableException when Kafka does not answer within {@code timeout}
     * @throws IllegalStateException when brainseg.models does not exist
     */
    public CatalogReader(String bootstrap, Map<String, String> props, String modelName, EventCodec codec, Duration timeout) {
        this.consumer = KafkaClients.assignedReader(bootstrap, props, Topics.MODELS, "brainseg-catalog-", true, timeout);
        this.parts = List.copyOf(consumer.assignment());
        this.catalog = new ModelCatalog(modelName);
        this.codec = codec;
        this.timeout = timeout;
    }

    public ModelCatalog catalog() {
        return catalog;
    }

    /** Folds every record committed up to now into the catalog; returns the catalog. */
    public ModelCatalog catchUp() {
        Map<TopicPartition, Long> end = consumer.endOffsets(parts, timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!reached(end)) {
            if (System.nanoTime() > deadline) {
                throw new BrokerUnavailableException("could not read " + Topics.MODELS + " to its end within "
                        + timeout.toSeconds() + " s", null);
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                if (r.value() == null) {
                    continue; // a tombstone: compaction removes the key
                }
                try {
                    catalog.apply(codec.decode(r.value(), ModelVersionPublished.class));
                } catch (EventDecodingException e) {
                    LOG.warn("{} offset {}: not a ModelVersionPublished, ignored: {}", Topics.MODELS, r.offset(), e.getMessage());
                }
            }
        }
        return catalog;
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), timeout) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
