package org.brainseg.client.retrain;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.Topics;
import org.brainseg.schemas.TrainingRequested;
import org.brainseg.service.kafka.KafkaClients;

/** Publishes a TrainingRequested (idempotent producer, acknowledged by all replicas), for {@code brainseg retrain}. */
public final class RetrainRequests {
    private RetrainRequests() {}

    /** Publishes and waits for the acknowledgement; returns where it landed. */
    public static RecordMetadata publish(String bootstrap, Map<String, String> properties, TrainingRequested req, Duration timeout)
            throws InterruptedException {
        byte[] value = new EventCodec().encode(req);
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.boundedProducer(bootstrap, properties, timeout, "brainseg-retrain")) {
            try {
                return producer.send(new ProducerRecord<>(Topics.TRAINING_REQUESTS,
                        req.requestId().getBytes(StandardCharsets.UTF_8), value)).get();
            } catch (TimeoutException e) {
                throw KafkaClients.unavailable(bootstrap, timeout, e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TimeoutException t) {
                    throw KafkaClients.unavailable(bootstrap, timeout, t);
                }
                throw new IllegalStateException("publishing the request failed: " + e.getCause(), e.getCause());
            }
        }
    }
}
