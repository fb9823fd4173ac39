package org.brainseg.worker;

import java.nio.file.Path;
import java.util.List;
import org.brainseg.client.topics.TopicsInitializer;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.kafka.embedded.EmbeddedKafka;
import org.brainseg.kafka.embedded.EmbeddedKafkaExtension;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the worker's integration tests share: an embedded broker per test class with brainseg's
 * topics (3 partitions per scan topic), a temporary directory, and the synthetic cohort and tiny
 * model each class makes in its {@code @BeforeAll}. Test classes run one after another, so the
 * one extension instance serves each class's broker in turn.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BrokerFixture {
    @RegisterExtension
    static final EmbeddedKafkaExtension BROKER = EmbeddedKafkaExtension.withTopics(TopicsInitializer.newTopics(3, (short) 1));

    Path tmp;
    EmbeddedKafka kafka;
    List<Case> cases;
    Path model;

    /** Call first in {@code @BeforeAll}: the class's directory and its running broker. */
    void useBroker(Path dir) {
        tmp = dir;
        kafka = BROKER.kafka();
    }
}
