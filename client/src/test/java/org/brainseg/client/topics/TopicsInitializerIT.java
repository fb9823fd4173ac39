package org.brainseg.client.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.brainseg.kafka.embedded.EmbeddedKafkaExtension;
import org.brainseg.schemas.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Creates brainseg's topics on a real (embedded) broker that starts with none. */
class TopicsInitializerIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension BROKER = EmbeddedKafkaExtension.withTopics(List.of());

    @Test
    void shouldCreateBrainsegTopicsWithCompactedModels() throws Exception {
        try (Admin admin = BROKER.kafka().createAdmin()) {
            TopicsInitializer.createAll(admin, 4, (short) 1, Duration.ofSeconds(30));
            // Running it again is harmless.
            TopicsInitializer.createAll(admin, 4, (short) 1, Duration.ofSeconds(30));

            var described = admin.describeTopics(Topics.all().stream().map(Topics.Spec::name).toList())
                    .allTopicNames().get(30, TimeUnit.SECONDS);
            assertThat(described.get(Topics.SCANS_ARRIVED).partitions()).hasSize(4);
            assertThat(described.get(Topics.MODELS).partitions()).hasSize(1);
            ConfigResource models = new ConfigResource(ConfigResource.Type.TOPIC, Topics.MODELS);
            Config config = admin.describeConfigs(List.of(models)).all().get(30, TimeUnit.SECONDS).get(models);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
        }
    }
}
