package org.brainseg.client.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.brainseg.schemas.Topics;
import org.junit.jupiter.api.Test;

/** Topic plans, without a broker. */
class TopicsInitializerTest {
    @Test
    void shouldPlanEveryBrainsegTopicWithModelsCompacted() {
        Map<String, NewTopic> plan = new java.util.HashMap<>();
        TopicsInitializer.newTopics(12, (short) 3).forEach(t -> plan.put(t.name(), t));

        assertThat(plan).hasSize(Topics.all().size());
        assertThat(plan.get(Topics.SCANS_ARRIVED).numPartitions()).isEqualTo(12);
        assertThat(plan.get(Topics.SEGMENTATIONS).numPartitions()).isEqualTo(12);
        assertThat(plan.get(Topics.MODELS).numPartitions()).isEqualTo(1);
        assertThat(plan.get(Topics.MODELS).configs()).containsEntry("cleanup.policy", "compact");
        assertThat(plan.get(Topics.DICE).replicationFactor()).isEqualTo((short) 3);
        assertThat(plan.values()).allSatisfy(t -> assertThat(t.configs()).containsEntry("min.insync.replicas", "2"));
    }

    @Test
    void shouldLeaveMinInSyncReplicasToTheBrokerOnOneNode() {
        assertThat(TopicsInitializer.newTopics(3, (short) 1))
                .allSatisfy(t -> assertThat(t.configs()).doesNotContainKey("min.insync.replicas"));
    }
}
