package org.brainseg.service.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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
        Map<String, Object> p = KafkaClients.timeBoundConsumer(timeout, props);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "brainseg-catalog-" + UUID.randomUUID()); // never used: assignment only
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.catalog = new ModelCatalog(modelName);
        this.codec = codec;
        this.timeout = timeout;
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(Topics.MODELS, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + Topics.MODELS + " does not exist on the broker at " + bootstrap
                        + " (brainseg submit --create-topics creates brainseg's topics)");
            }
            parts = infos.stream().map(i -> new TopicPartition(Topics.MODELS, i.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
        } catch (TimeoutException e) {
            consumer.close(Duration.ZERO);
            throw KafkaClients.unavailable(bootstrap, timeout, e);
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            throw e;
        }
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
