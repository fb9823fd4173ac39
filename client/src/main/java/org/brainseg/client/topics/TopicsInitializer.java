package org.brainseg.client.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.brainseg.schemas.Topics;

/**
 * Creates brainseg's topics ({@link Topics#all()}) with their partitions and settings, e.g.
 * {@code cleanup.policy=compact} for {@code brainseg.models}. Works against any Kafka through
 * an {@link Admin}, not only the embedded one; existing topics are left untouched, so it is
 * safe to run at every start.
 */
public final class TopicsInitializer {
    private TopicsInitializer() {
    }

    /**
     * The topics to create.
     *
     * @param scanPartitions    partitions of the per-scan topics (arrived, segmentations, dice);
     *                          the upper bound on worker parallelism
     * @param replicationFactor replicas of every topic (1 on a single node, 3 in production); above 1,
     *                          {@code min.insync.replicas} is one less (2 of 3 in production)
     */
    public static List<NewTopic> newTopics(int scanPartitions, short replicationFactor) {
        if (scanPartitions < 1) {
            throw new IllegalArgumentException("scanPartitions must be >= 1, got " + scanPartitions);
        }
        List<NewTopic> out = new ArrayList<>();
        for (Topics.Spec spec : Topics.all()) {
            boolean perScan = spec.defaultPartitions() == Topics.DEFAULT_SCAN_PARTITIONS;
            int partitions = perScan ? scanPartitions : spec.defaultPartitions();
            Map<String, String> configs = new java.util.HashMap<>(spec.configs());
            if (replicationFactor > 1) {
                // a write is acknowledged by all but one replica: one broker may be down, none is lost
                configs.putIfAbsent("min.insync.replicas", Integer.toString(replicationFactor - 1));
            }
            out.add(new NewTopic(spec.name(), partitions, replicationFactor).configs(Map.copyOf(configs)));
        }
        return out;
    }

    /** Creates every brainseg topic that does not exist yet. */
    public static void createAll(Admin admin, int scanPartitions, short replicationFactor, Duration timeout) {
        create(admin, newTopics(scanPartitions, replicationFactor), timeout);
    }

    /** Creates the topics that do not exist yet and waits for the broker's answer. */
    public static void create(Admin admin, Collection<NewTopic> topics, Duration timeout) {
        Map<String, KafkaFuture<Void>> results = admin.createTopics(topics).values();
        for (Map.Entry<String, KafkaFuture<Void>> r : results.entrySet()) {
            try {
                r.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + r.getKey() + ": " + e.getCause(), e);
                }
            } catch (TimeoutException e) {
                throw new IllegalStateException("topic " + r.getKey() + " not created within " + timeout, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating topic " + r.getKey(), e);
            }
        }
    }
}
