package org.brainseg.service.config;

import java.util.Map;

/**
 * The {@code kafka} section of the worker's and the trainer's configuration: how one transactional
 * consume-process-publish service reaches its cluster. Validated here, naming the key.
 *
 * @param bootstrapServers Kafka bootstrap servers (required)
 * @param groupId the service's consumer group
 * @param transactionalId stable across restarts of one instance, unique among instances (fences a
 *     killed one); by default the service's prefix and the host name ({@link ConfigFile#transactionalId})
 * @param maxPollIntervalMs consumer max.poll.interval.ms: longer than the service's longest step
 * @param properties passed to every Kafka client as they are: security.protocol, ssl.*, sasl.*
 */
public record KafkaSection(String bootstrapServers, String groupId, String transactionalId, int maxPollIntervalMs,
        Map<String, String> properties) {
    public KafkaSection {
        ConfigException.require(bootstrapServers != null && !bootstrapServers.isBlank(), "kafka.bootstrapServers", "is required");
        ConfigException.require(groupId != null && !groupId.isBlank(), "kafka.groupId", "must not be empty");
        ConfigException.require(transactionalId != null && !transactionalId.isBlank(), "kafka.transactionalId",
                "must not be empty");
        ConfigException.require(maxPollIntervalMs >= 10_000, "kafka.maxPollIntervalMs",
                "must be at least 10000, got " + maxPollIntervalMs);
        properties = properties == null ? Map.of() : Map.copyOf(properties);
    }

    /** The section as {@code file} holds it; an unset transactional id is {@code prefix} and the host name. */
    public static KafkaSection read(ConfigFile file, String transactionalIdPrefix) {
        return new KafkaSection(file.string("kafka", "bootstrapServers"), file.string("kafka", "groupId"),
                file.transactionalId(transactionalIdPrefix), file.integer("kafka", "maxPollIntervalMs"), file.kafkaProperties());
    }
}
