package org.brainseg.trainer.service;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.EventDecodingException;
import org.brainseg.schemas.Normalization;
import org.brainseg.schemas.Promotion;
import org.brainseg.schemas.ScanArrived;
import org.brainseg.schemas.Topics;
import org.brainseg.schemas.TrainingRequested;
import org.brainseg.service.kafka.TransactionalLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.brainseg.trainer.config.TrainerConfig;

/**
 * Retrains by itself: counts the ScanArrived events that carry a ground truth (its own consumer
 * group on brainseg.scans.arrived) and after every {@code autoRetrain.afterLabelledScans} of them
 * publishes a TrainingRequested for {@code autoRetrain.datasetUri} with the configured training
 * defaults and promotion {@code auto}. The request and the offsets of the scans it counted are
 * committed in one transaction, so a restart recounts exactly the scans not yet counted towards a
 * request, and no request is published twice. Undecodable scan events are skipped (the workers
 * report them).
 */
public final class AutoRetrain extends TransactionalLoop {
    private static final Logger LOG = LoggerFactory.getLogger(AutoRetrain.class);

    private final TrainerConfig config;
    private final EventCodec codec;
    private final Clock clock;
    private final Map<TopicPartition, OffsetAndMetadata> counted = new LinkedHashMap<>();
    private final AtomicLong pending = new AtomicLong();

    public AutoRetrain(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer, TrainerConfig config,
            EventCodec codec, Clock clock) {
        super("auto-retrain", consumer, producer, codec);
        this.config = config;
        this.codec = codec;
        this.clock = clock;
    }

    /** Labelled scans counted towards the next request. */
    public long pending() {
        return pending.get();
    }

    @Override
    protected void loop() {
        consumer.subscribe(List.of(Topics.SCANS_ARRIVED));
        started();
        while (running()) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                counted.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                if (labelled(r) && pending.incrementAndGet() >= config.autoRetrain().afterLabelledScans()) {
                    request();
                }
            }
        }
    }

    @Override
    protected void close() {
        consumer.close(Duration.ofSeconds(5));
        producer.close(Duration.ofSeconds(5));
    }

    private boolean labelled(ConsumerRecord<byte[], byte[]> r) {
        try {
            return codec.decode(r.value(), ScanArrived.class).hasGroundTruth();
        } catch (EventDecodingException e) {
            return false;
        }
    }

    private void request() {
        long n = pending.get();
        TrainerConfig.Training t = config.training();
        TrainingRequested req = new TrainingRequested(UUID.randomUUID(), "auto-" + UUID.randomUUID(),
                "automatic: " + n + " new labelled scans arrived", config.autoRetrain().datasetUri(),
                Normalization.parse(t.normalization()), t.epochs(), t.seed(), Promotion.AUTO);
        publisher.publish(List.of(req), Map.copyOf(counted), consumer.groupMetadata());
        pending.set(0);
        LOG.info("auto-retrain: {} new labelled scans, requested training {} on {} at {}", n, req.requestId(),
                req.datasetUri(), clock.instant());
    }
}
