package org.brainseg.kafka.embedded;

import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One embedded broker per test class (JUnit 5): started, with the given topics created, before
 * the class's {@code @BeforeAll} methods run, and closed (its temporary log directory deleted)
 * after the class. Register it on a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final EmbeddedKafkaExtension BROKER = EmbeddedKafkaExtension.withTopics(TopicsInitializer.newTopics(3, (short) 1));
 * }</pre>
 *
 * The broker's log directory is kept across {@link EmbeddedKafka#stop()} / {@link EmbeddedKafka#start()},
 * so a test may restart it. A test that needs more than the plaintext listener (SASL, TLS) adds
 * it with {@link #configuredBy}, which sees the builder before the broker starts.
 */
public final class EmbeddedKafkaExtension implements BeforeAllCallback, AfterAllCallback {
    private final List<NewTopic> topics;
    private final Consumer<EmbeddedKafka.Builder> configuration;
    private volatile EmbeddedKafka kafka;

    private EmbeddedKafkaExtension(Collection<NewTopic> topics, Consumer<EmbeddedKafka.Builder> configuration) {
        this.topics = List.copyOf(topics);
        this.configuration = configuration;
    }

    /** A broker with these topics created before the tests (none: an empty broker). */
    public static EmbeddedKafkaExtension withTopics(Collection<NewTopic> topics) {
        return new EmbeddedKafkaExtension(topics, b -> {});
    }

    /**
     * The same broker, with {@code configuration} applied to its builder first (ports, extra
     * listeners, broker properties). It runs in {@code beforeAll}, before the class's
     * {@code @BeforeAll} methods but after static {@code @TempDir} fields are set.
     */
    public EmbeddedKafkaExtension configuredBy(Consumer<EmbeddedKafka.Builder> configuration) {
        return new EmbeddedKafkaExtension(topics, this.configuration.andThen(configuration));
    }

    /** The running broker; only from {@code @BeforeAll} on. */
    public EmbeddedKafka kafka() {
        EmbeddedKafka k = kafka;
        if (k == null) {
            throw new IllegalStateException("the embedded broker is not started: register EmbeddedKafkaExtension on a static field");
        }
        return k;
    }

    public String bootstrapServers() {
        return kafka().bootstrapServers();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        EmbeddedKafka.Builder b = EmbeddedKafka.builder();
        configuration.accept(b);
        EmbeddedKafka k = b.start();
        try {
            if (!topics.isEmpty()) {
                k.createTopics(topics);
            }
        } catch (RuntimeException e) {
            k.close(); // Kafka's threads are non-daemon: never leave a broker behind
            throw e;
        }
        kafka = k;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        EmbeddedKafka k = kafka;
        kafka = null;
        if (k != null) {
            k.close();
        }
    }
}
