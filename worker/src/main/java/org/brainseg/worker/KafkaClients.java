package org.brainseg.worker;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.brainseg.worker.config.WorkerConfig;

/** The worker's Kafka clients, configured for exactly-once processing. */
final class KafkaClients {
    private KafkaClients() {}

    static KafkaConsumer<byte[], byte[]> consumer(WorkerConfig.Kafka k) {
        Map<String, Object> p = new HashMap<>(k.properties());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, k.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, k.groupId());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, k.transactionalId() + "-consumer");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false); // offsets go into the output transaction
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"); // a new group processes every waiting scan
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1); // keeps the in-flight bound exact
        p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, k.maxPollIntervalMs());
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * The model follower's consumer of brainseg.models: no group (it assigns the partition and
     * reads from the beginning every time), read_committed (a promotion's events arrive together),
     * and never creates the topic (auto-created, it would not be compacted).
     */
    static KafkaConsumer<byte[], byte[]> modelsConsumer(WorkerConfig.Kafka k) {
        Map<String, Object> p = new HashMap<>(k.properties());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, k.bootstrapServers());
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, k.transactionalId() + "-models");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    static KafkaProducer<byte[], byte[]> producer(WorkerConfig.Kafka k) {
        Map<String, Object> p = new HashMap<>(k.properties());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, k.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, k.transactionalId() + "-producer");
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, k.transactionalId());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
