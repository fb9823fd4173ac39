package org.brainseg.client.submit;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.ScanArrived;
import org.brainseg.schemas.Topics;
import org.brainseg.service.kafka.BrokerUnavailableException;
import org.brainseg.service.kafka.KafkaClients;

/**
 * Publishes a ScanArrived per case (URIs of its files, ground truth when present) with an
 * idempotent producer, waiting for every acknowledgement. Used by {@code brainseg submit},
 * {@code watch}, the demo and the tests.
 *
 * <p>Every blocking step is bounded by the timeout given at construction (Kafka's own defaults
 * let a send to an unreachable broker hang for a minute and a close forever): an unreachable
 * broker surfaces as a {@link BrokerUnavailableException} naming it.
 */
public final class ScanSubmitter implements AutoCloseable {
    /** Long enough for a healthy cluster to elect leaders, short enough for a person waiting. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

    private final KafkaProducer<byte[], byte[]> producer;
    private final EventCodec codec = new EventCodec();
    private final Clock clock;
    private final String bootstrapServers;
    private final Duration timeout;
    /** Set once the broker failed to answer: closing then must not wait for it a second time. */
    private volatile boolean unreachable;

    public ScanSubmitter(String bootstrapServers, Map<String, String> clientProperties, Clock clock) {
        this(bootstrapServers, clientProperties, clock, DEFAULT_TIMEOUT);
    }

    /**
     * @param clientProperties passed to the producer as they are (security.protocol, ssl.*, sasl.*);
     *     they may also override the timeouts derived from {@code timeout}
     * @param timeout bound on reaching the broker and on each acknowledgement
     */
    public ScanSubmitter(String bootstrapServers, Map<String, String> clientProperties, Clock clock, Duration timeout) {
        // every blocking step bounded by the timeout; the user's properties may override the bounds
        this.producer = KafkaClients.boundedProducer(bootstrapServers, clientProperties, timeout, "brainseg-submit");
        this.clock = clock;
        this.bootstrapServers = bootstrapServers;
        this.timeout = timeout;
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
        return submit(events, e -> {});
    }

    /**
     * Publishes the events and waits until the broker acknowledged all of them, calling
     * {@code acked} for each acknowledged event in order (progress display).
     *
     * @throws BrokerUnavailableException when the broker cannot be reached or does not acknowledge in time
     */
    public List<ScanArrived> submit(List<ScanArrived> events, Consumer<ScanArrived> acked) throws Exception {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        try {
            for (ScanArrived e : events) {
                acks.add(producer.send(new ProducerRecord<>(Topics.SCANS_ARRIVED, e.scanId().getBytes(StandardCharsets.UTF_8),
                        codec.encode(e))));
            }
            for (int i = 0; i < acks.size(); i++) {
                acks.get(i).get();
                acked.accept(events.get(i));
            }
        } catch (TimeoutException e) {
            throw unavailable(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TimeoutException t) {
                throw unavailable(t);
            }
            throw e;
        }
        return events;
    }

    /** Publishes raw bytes (tests of poison input, replays). */
    public RecordMetadata submitRaw(byte[] key, byte[] value) throws Exception {
        return producer.send(new ProducerRecord<>(Topics.SCANS_ARRIVED, key, value)).get();
    }

    private BrokerUnavailableException unavailable(TimeoutException e) {
        unreachable = true;
        return new BrokerUnavailableException("no answer from Kafka at " + bootstrapServers + " within " + timeout.toSeconds()
                + " s (is the broker running and reachable? are the security properties right?): " + e.getMessage(), e);
    }

    private static java.net.URI uri(Path p) {
        return p.toAbsolutePath().normalize().toUri();
    }

    /** Closes the producer; bounded, so that an unreachable broker cannot hold the caller forever. */
    @Override
    public void close() {
        producer.close(unreachable ? Duration.ZERO : timeout);
    }
}
