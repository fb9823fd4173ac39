package org.brainseg.client.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.brainseg.kafka.embedded.EmbeddedKafka;
import org.brainseg.schemas.Topics;
import org.junit.jupiter.api.Test;

/** Creates brainseg's topics on a real (embedded) broker. */
class TopicsInitializerIT {
    @Test
    void shouldCreateBrainsegTopicsWithCompactedModels() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.startDefault(); Admin admin = kafka.createAdmin()) {
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
            Path tmp = kafka.logDir();
            admin.close(Duration.ofSeconds(5));
            closeTwice(kafka);
            assertThat(Files.exists(tmp)).as("a temporary log dir is deleted").isFalse();
        }
    }

    private static void closeTwice(EmbeddedKafka kafka) {
        kafka.close();
        kafka.close(); // idempotent
    }
}
