package org.brainseg.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broker settings, without starting anything. */
class EmbeddedKafkaConfigTest {
    @TempDir
    Path dir;

    @Test
    void shouldSetSingleNodeDefaultsAndLetExtraPropertiesOverrideThem() {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().logDir(dir).nodeId(3)
                .brokerProperty("group.initial.rebalance.delay.ms", "100")
                .brokerProperty("log.retention.ms", "60000").build()) {
            Properties p = kafka.brokerProperties();

            assertThat(p).containsEntry("offsets.topic.replication.factor", "1")
                    .containsEntry("transaction.state.log.replication.factor", "1")
                    .containsEntry("transaction.state.log.min.isr", "1")
                    .containsEntry("group.initial.rebalance.delay.ms", "100")
                    .containsEntry("log.retention.ms", "60000")
                    .containsEntry("node.id", "3")
                    .containsEntry("controller.quorum.voters", "3@127.0.0.1:" + kafka.controllerPort())
                    .containsEntry("log.dirs", dir.toAbsolutePath().toString());
            assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + kafka.brokerPort());
            assertThat(kafka.brokerPort()).isNotEqualTo(kafka.controllerPort());
            assertThat(kafka.isRunning()).isFalse();
        }
    }

    @Test
    void shouldRefuseToStartWhenClosed() {
        EmbeddedKafka kafka = EmbeddedKafka.builder().logDir(dir).build();
        kafka.close();

        assertThatThrownBy(kafka::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> EmbeddedKafka.builder().startupTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
