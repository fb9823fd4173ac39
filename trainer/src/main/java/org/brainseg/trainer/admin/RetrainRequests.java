package org.brainseg.trainer.admin;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.Topics;
import org.brainseg.schemas.TrainingRequested;
import org.brainseg.worker.client.BrokerUnavailableException;

/** Publishes a TrainingRequested (idempotent producer, acknowledged by all replicas), for {@code brainseg retrain}. */
public final class RetrainRequests {
    private RetrainRequests() {}

    /** Publishes and waits for the acknowledgement; returns where it landed. */
    public static RecordMetadata publish(String bootstrap, Map<String, String> properties, TrainingRequested req, Duration timeout)
            throws InterruptedException {
        Map<String, Object> p = new HashMap<>();
        long ms = timeout.toMillis();
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, ms);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(30_000, ms));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, Math.max(ms, 30_000)));
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.putAll(properties);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "brainseg-retrain");
        byte[] value = new EventCodec().encode(req);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            try {
                return producer.send(new ProducerRecord<>(Topics.TRAINING_REQUESTS,
                        req.requestId().getBytes(StandardCharsets.UTF_8), value)).get();
            } catch (TimeoutException e) {
                throw unavailable(bootstrap, timeout, e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TimeoutException t) {
                    throw unavailable(bootstrap, timeout, t);
                }
                throw new IllegalStateException("publishing the request failed: " + e.getCause(), e.getCause());
            }
        }
    }

    private static BrokerUnavailableException unavailable(String bootstrap, Duration timeout, Exception e) {
        return new BrokerUnavailableException("no answer from Kafka at " + bootstrap + " within " + timeout.toSeconds()
                + " s (is the broker running and reachable? are the security properties right?)", e);
    }
}
