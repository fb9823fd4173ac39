package org.brainseg.worker.client;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.ScanArrived;
import org.brainseg.schemas.Topics;

/**
 * Publishes a ScanArrived per case (URIs of its files, ground truth when present) with an
 * idempotent producer, waiting for every acknowledgement. Used by {@code brainseg submit},
 * {@code watch}, the demo and the tests.
 */
public final class ScanSubmitter implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final EventCodec codec = new EventCodec();
    private final Clock clock;

    public ScanSubmitter(String bootstrapServers, Map<String, String> clientProperties, Clock clock) {
        Map<String, Object> p = new HashMap<>(clientProperties);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "brainseg-submit");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.clock = clock;
    }

    /** The event announcing a case, with its scan id (the case id unless given). */
    public ScanArrived eventFor(Case c, String scanId) {
        ScanArrived.Modalities mods = null;
        ScanArrived.Image4d image = null;
        if (c.image4d() != null) {
            image = new ScanArrived.Image4d(uri(c.image4d()), c.channelOrder());
        } else {
            mods = new ScanArrived.Modalities(uri(c.modalities().get(Modality.T1)), uri(c.modalities().get(Modality.T1CE)),
                    uri(c.modalities().get(Modality.T2)), uri(c.modalities().get(Modality.FLAIR)));
        }
        return new ScanArrived(UUID.randomUUID(), scanId == null ? c.id() : scanId, null, clock.instant(), mods, image,
                c.label() == null ? null : uri(c.label()), c.convention(), Map.of());
    }

    /** Publishes the events and waits until the broker acknowledged all of them. */
    public List<ScanArrived> submit(List<ScanArrived> events) throws Exception {
        List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
        for (ScanArrived e : events) {
            acks.add(producer.send(new ProducerRecord<>(Topics.SCANS_ARRIVED, e.scanId().getBytes(StandardCharsets.UTF_8),
                    codec.encode(e))));
        }
        for (var f : acks) {
            f.get();
        }
        return events;
    }

    /** Publishes raw bytes (tests of poison input, replays). */
    public org.apache.kafka.clients.producer.RecordMetadata submitRaw(byte[] key, byte[] value) throws Exception {
        return producer.send(new ProducerRecord<>(Topics.SCANS_ARRIVED, key, value)).get();
    }

    private static java.net.URI uri(Path p) {
        return p.toAbsolutePath().normalize().toUri();
    }

    @Override
    public void close() {
        producer.close();
    }
}
