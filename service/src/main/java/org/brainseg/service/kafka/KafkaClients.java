package org.brainseg.service.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Kafka clients of brainseg's services and command-line clients, in one place so that every
 * consumer that takes part in a transaction, every transactional producer and every
 * person-facing client with a time bound is configured the same way.
 *
 * <p>{@code properties} (security.protocol, ssl.*, sasl.* and any tuning) are passed as they
 * are; the settings the delivery promise rests on (isolation level, manual commits, idempotence,
 * acks) are set after them and cannot be overridden.
 */
public final class KafkaClients {
    private KafkaClients() {}

    /**
     * A consumer group member whose offsets go into the output transaction: read_committed, no
     * auto-commit, a new group starts from the earliest offset, one record per poll (keeps an
     * in-flight bound exact) and {@code maxPollIntervalMs} for multi-second work per record.
     */
    public static KafkaConsumer<byte[], byte[]> transactionalConsumer(String bootstrapServers, Map<String, String> properties,
            String groupId, String clientId, int maxPollIntervalMs) {
        Map<String, Object> p = new HashMap<>(properties);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false); // offsets go into the output transaction
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"); // a new group processes every waiting record
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, maxPollIntervalMs);
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * A reader of a whole topic by assignment (no group): read_committed (a transaction's events
     * arrive together), from the beginning, and it never creates the topic (auto-created, a
     * compacted topic such as brainseg.models would not be compacted).
     */
    public static KafkaConsumer<byte[], byte[]> topicReader(String bootstrapServers, Map<String, String> properties,
            String clientId) {
        Map<String, Object> p = new HashMap<>(properties);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * A read_committed reader of every partition of {@code topic} by assignment (a throw-away group
     * id, never committed), positioned at the beginning or at the current end; it never creates the
     * topic. Every blocking step is bounded by {@code timeout}; on failure the consumer is closed.
     *
     * @param groupPrefix the throw-away group id's prefix ({@code brainseg-reader-})
     * @throws BrokerUnavailableException when the broker does not answer within {@code timeout}
     * @throws IllegalStateException when the topic does not exist on the broker
     */
    public static KafkaConsumer<byte[], byte[]> assignedReader(String bootstrapServers, Map<String, String> properties,
            String topic, String groupPrefix, boolean fromBeginning, Duration timeout) {
        Map<String, Object> p = timeBoundConsumer(timeout, properties);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupPrefix + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
        // a reader must never create the topic it was asked to read (a typo would become a topic)
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist on the broker at " + bootstrapServers
                        + " (brainseg submit --create-topics creates brainseg's topics)");
            }
            List<TopicPartition> parts = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(parts);
            if (fromBeginning) {
                consumer.seekToBeginning(parts);
            } else {
                consumer.seekToEnd(parts);
                parts.forEach(consumer::position); // fixes the start now, not at the first poll
            }
            return consumer;
        } catch (TimeoutException e) {
            consumer.close(Duration.ZERO);
            throw unavailable(bootstrapServers, timeout, e);
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            throw e;
        }
    }

    /** An idempotent transactional producer, acknowledged by all in-sync replicas. */
    public static KafkaProducer<byte[], byte[]> transactionalProducer(String bootstrapServers, Map<String, String> properties,
            String transactionalId) {
        return transactionalProducer(bootstrapServers, new HashMap<>(properties), transactionalId, transactionalId + "-producer");
    }

    /**
     * An idempotent transactional producer over {@code settings} (for example
     * {@link #timeBound(Duration)} followed by the user's properties).
     */
    public static KafkaProducer<byte[], byte[]> transactionalProducer(String bootstrapServers, Map<String, Object> settings,
            String transactionalId, String clientId) {
        Map<String, Object> p = new HashMap<>(settings);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * An idempotent (not transactional) producer for a person waiting: every blocking step is
     * bounded by {@code timeout}, and {@code properties} may override those bounds.
     */
    public static KafkaProducer<byte[], byte[]> boundedProducer(String bootstrapServers, Map<String, String> properties,
            Duration timeout, String defaultClientId) {
        Map<String, Object> p = timeBound(timeout);
        p.putAll(properties);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, defaultClientId);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * Producer settings that bound every blocking step by {@code timeout}: Kafka's own defaults
     * let a send to an unreachable broker hang for a minute and a close forever.
     */
    public static Map<String, Object> timeBound(Duration timeout) {
        if (timeout.toMillis() < 1) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        long ms = timeout.toMillis();
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, ms);
        // delivery.timeout.ms must be at least linger.ms + request.timeout.ms, or the producer refuses to start
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(30_000, ms));
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, ms));
        return p;
    }

    /**
     * Consumer settings that bound Kafka's blocking calls by {@code timeout}, followed by
     * {@code properties}: the base of the read_committed readers of the command-line clients.
     */
    public static Map<String, Object> timeBoundConsumer(Duration timeout, Map<String, String> properties) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(30_000, timeout.toMillis()));
        p.putAll(properties);
        return p;
    }

    /** What the command-line clients say when the broker does not answer in time. */
    public static BrokerUnavailableException unavailable(String bootstrapServers, Duration timeout, Throwable cause) {
        return new BrokerUnavailableException("no answer from Kafka at " + bootstrapServers + " within " + timeout.toSeconds()
                + " s (is the broker running and reachable? are the security properties right?)", cause);
    }
}
