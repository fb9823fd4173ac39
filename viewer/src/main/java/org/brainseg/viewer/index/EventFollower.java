package org.brainseg.viewer.index;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.EventDecodingException;
import org.brainseg.schemas.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the scan topics with {@code read_committed} (outputs of aborted transactions never show)
 * and folds every event into a {@link ScanIndex}. No consumer group and no commits: every start
 * reads the topics from the beginning, so the index is rebuilt from Kafka alone and any number of
 * viewers can run. Waits for topics that do not exist yet. {@link #caughtUp()} turns true once
 * everything committed before the start was read: until then the list would be incomplete.
 */
public final class EventFollower implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventFollower.class);
    /** ScanArrived gives the modalities to draw and the arrival time; the three outputs give the rest. */
    public static final List<String> TOPICS = List.of(Topics.SCANS_ARRIVED, Topics.SEGMENTATIONS, Topics.DICE,
            Topics.SCANS_FAILED);

    private final Consumer<byte[], byte[]> consumer;
    private final ScanIndex index;
    private final EventCodec codec;
    private final java.util.function.BiConsumer<String, Boolean> onRecord;
    private volatile boolean running = true;
    private volatile boolean caughtUp;
    private volatile Throwable fatal;
    private volatile boolean stopped;
    private volatile String waiting = "connecting to Kafka";

    /**
     * @param onRecord hears the topic of every record and whether it decoded (for metrics)
     */
    public EventFollower(Consumer<byte[], byte[]> consumer, ScanIndex index, EventCodec codec,
            java.util.function.BiConsumer<String, Boolean> onRecord) {
        this.consumer = consumer;
        this.index = index;
        this.codec = codec;
        this.onRecord = onRecord;
    }

    /** A consumer for {@link EventFollower}: read_committed, no group, never creates a topic. */
    public static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers, Map<String, String> properties) {
        Map<String, Object> p = new HashMap<>(properties);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "brainseg-viewer");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void run() {
        try {
            List<TopicPartition> parts = awaitPartitions();
            if (parts == null) {
                return;
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            waiting = "reading brainseg's topics up to where they stood at the start";
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            LOG.info("following {} ({} partitions) from the beginning", TOPICS, parts.size());
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    fold(r);
                }
                if (!caughtUp && reached(end)) {
                    caughtUp = true;
                    LOG.info("caught up: {} scans indexed", index.size());
                }
            }
        } catch (WakeupException e) {
            // close() from another thread
        } catch (RuntimeException | Error e) {
            if (running) {
                fatal = e;
                LOG.error("event follower stopped: {}", e.toString(), e);
            }
        } finally {
            stopped = true;
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private List<TopicPartition> awaitPartitions() {
        while (running) {
            List<TopicPartition> parts = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (String t : TOPICS) {
                List<PartitionInfo> infos;
                try {
                    infos = consumer.partitionsFor(t, Duration.ofSeconds(30));
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    infos = null; // broker not reachable yet: keep trying, not ready meanwhile
                }
                if (infos == null || infos.isEmpty()) {
                    missing.add(t);
                } else {
                    infos.forEach(i -> parts.add(new TopicPartition(t, i.partition())));
                }
            }
            if (missing.isEmpty()) {
                return parts;
            }
            waiting = "waiting for topics " + missing + " (missing, or the broker does not answer)";
            LOG.warn("{}", waiting);
            sleep(2000);
        }
        return null;
    }

    private void fold(ConsumerRecord<byte[], byte[]> r) {
        try {
            index.apply(codec.decode(r.value(), r.topic()));
            onRecord.accept(r.topic(), true);
        } catch (EventDecodingException | RuntimeException e) {
            onRecord.accept(r.topic(), false);
            LOG.warn("skipping an unreadable event on {}-{} at offset {}: {}", r.topic(), r.partition(), r.offset(),
                    e.getMessage());
        }
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

    private void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Whether everything committed before the start has been read. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** Why it has not caught up yet (for the readiness check). */
    public String waitingFor() {
        return waiting;
    }

    /** What stopped the follower, or null. */
    public Throwable fatal() {
        return fatal;
    }

    public boolean isRunning() {
        return !stopped;
    }

    /** Stops following; the thread running {@link #run()} closes the consumer. Idempotent. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
    }
}
