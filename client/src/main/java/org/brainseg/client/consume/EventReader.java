package org.brainseg.client.consume;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.brainseg.schemas.Event;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.EventDecodingException;
import org.brainseg.service.kafka.BrokerUnavailableException;
import org.brainseg.service.kafka.KafkaClients;

/**
 * Reads a topic with {@code read_committed}, as a downstream consumer sees it: outputs of
 * aborted transactions never appear. Reads every partition by assignment (no consumer group
 * membership, no commits), from the beginning or from the current end. Used by
 * {@code brainseg consume} and the tests.
 */
public final class EventReader implements AutoCloseable {
    private static final EventCodec CODEC = new EventCodec();

    private final KafkaConsumer<byte[], byte[]> consumer;

    /** From the beginning, with Kafka's default time bounds (tests against a local broker). */
    public EventReader(String bootstrapServers, Map<String, String> clientProperties, String topic) {
        this(bootstrapServers, clientProperties, topic, true, Duration.ofSeconds(60));
    }

    /**
     * @param clientProperties passed to the consumer as they are (security.protocol, ssl.*, sasl.*)
     * @param fromBeginning start at the earliest retained record, else at the current end (new records only)
     * @param timeout bound on reaching the broker and on each metadata or offset lookup
     * @throws BrokerUnavailableException when the broker does not answer within {@code timeout}
     * @throws IllegalStateException when the topic does not exist on the broker
     */
    public EventReader(String bootstrapServers, Map<String, String> clientProperties, String topic, boolean fromBeginning,
            Duration timeout) {
        consumer = KafkaClients.assignedReader(bootstrapServers, clientProperties, topic, "brainseg-reader-", fromBeginning,
                timeout);
    }

    /** Everything committed so far: reads until the end offsets seen at the start of the call. */
    public List<ConsumerRecord<byte[], byte[]>> readAll(Duration timeout) {
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!reached(end) && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(100)).forEach(out::add);
        }
        return out;
    }

    /**
     * Every event committed on {@code topic} so far, from the beginning, decoded as {@code type}
     * and checked against its schema: a one-shot look at a topic.
     *
     * @throws EventDecodingException if a record is not a valid {@code type}
     */
    public static <T extends Event> List<T> readAll(String bootstrapServers, Map<String, String> clientProperties, String topic,
            Class<T> type, Duration timeout) throws EventDecodingException {
        try (EventReader r = new EventReader(bootstrapServers, clientProperties, topic)) {
            List<T> out = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> rec : r.readAll(timeout)) {
                out.add(CODEC.decode(rec.value(), type));
            }
            return out;
        }
    }

    /** Calls {@code sink} for each record until {@code keepGoing} says stop. */
    public void follow(Consumer<ConsumerRecord<byte[], byte[]>> sink, BooleanSupplier keepGoing) {
        while (keepGoing.getAsBoolean()) {
            consumer.poll(Duration.ofMillis(200)).forEach(sink);
        }
    }

    /**
     * Follows the topic, calling {@code sink} for each record, until {@code max} records were
     * read (0: no limit) or no record arrived for {@code idleTimeout} (null: wait forever), as
     * kafka-console-consumer's {@code --max-messages} and {@code --timeout-ms} do.
     *
     * @return the number of records passed to {@code sink}
     */
    public long follow(Consumer<ConsumerRecord<byte[], byte[]>> sink, long max, Duration idleTimeout) {
        long n = 0;
        long lastRecord = System.nanoTime();
        while (max <= 0 || n < max) {
            if (idleTimeout != null && System.nanoTime() - lastRecord >= idleTimeout.toNanos()) {
                break;
            }
            if (Thread.currentThread().isInterrupted()) {
                break;
            }
            ConsumerRecords<byte[], byte[]> batch;
            try {
                batch = consumer.poll(Duration.ofMillis(200));
            } catch (WakeupException e) {
                break; // wakeup() from another thread: stop quietly
            }
            for (ConsumerRecord<byte[], byte[]> r : batch) {
                if (max > 0 && n >= max) {
                    break;
                }
                sink.accept(r);
                n++;
                lastRecord = System.nanoTime();
            }
        }
        return n;
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            // transaction markers occupy offsets: position reaches the end offset once all is read
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Stops a {@link #follow} in progress from another thread (e.g. a shutdown hook). */
    public void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
