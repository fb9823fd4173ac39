package org.brainseg.worker.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.Topics;
import org.brainseg.service.kafka.FlakyProducer;
import org.brainseg.service.kafka.TransactionalPublisher;
import org.brainseg.service.store.LocalFileStore;
import org.brainseg.worker.WorkerMetrics;
import org.brainseg.worker.config.WorkerConfig;
import org.brainseg.worker.model.ModelHolder;
import org.brainseg.worker.pipeline.ScanProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop's handling of transaction calls that time out or break the producer, with Kafka's own client test doubles
 * standing in for the broker (a real broker cannot be made to time out at one chosen call). The
 * record is poison (not JSON), so its outcome, one ScanFailed, needs no model.
 */
class IngestLoopTransactionTest {
    static final TopicPartition TP = new TopicPartition(Topics.SCANS_ARRIVED, 0);

    private IngestLoop loop(MockConsumer<byte[], byte[]> consumer, FlakyProducer producer, Path dir) throws Exception {
        Files.createDirectories(dir.resolve("in"));
        ScanProcessor processor = new ScanProcessor(new LocalFileStore(List.of(dir.resolve("in")), dir.resolve("out")),
                new ModelHolder(), new EventCodec(), new WorkerConfig.Retry(1, 1, 1), false, Clock.systemUTC());
        WorkerMetrics metrics = new WorkerMetrics(new SimpleMeterRegistry(), () -> 0, () -> 0);
        return new IngestLoop(consumer, producer, Executors.newSingleThreadExecutor(), processor, new EventCodec(), metrics,
                2, Duration.ofSeconds(5));
    }

    private static MockConsumer<byte[], byte[]> consumerWithOnePoisonRecord() {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(TP));
            consumer.updateBeginningOffsets(Map.of(TP, 0L));
            consumer.addRecord(new ConsumerRecord<>(TP.topic(), 0, 0L, "s1".getBytes(StandardCharsets.UTF_8),
                    "{not json".getBytes(StandardCharsets.UTF_8)));
        });
        return consumer;
    }

    private static void run(IngestLoop loop, FlakyProducer producer, Runnable check) throws Exception {
        Thread t = new Thread(loop, "ingest-test");
        t.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> loop.fatal() != null || !producer.history().isEmpty());
            check.run();
        } finally {
            loop.stop();
            t.join(10_000);
        }
    }

    @Test
    void shouldRetryATimedOutCommitInsteadOfAbortingIt(@TempDir Path dir) throws Exception {
        FlakyProducer producer = new FlakyProducer();
        producer.commitTimeouts.set(2);
        IngestLoop loop = loop(consumerWithOnePoisonRecord(), producer, dir);
        run(loop, producer, () -> {
            assertThat(loop.fatal()).isNull();
            // the outcome of a timed-out commit is unknown: aborting or redoing it could publish twice
            assertThat(producer.aborts.get()).isZero();
            assertThat(producer.commits.get()).isEqualTo(1);
            assertThat(producer.history()).hasSize(1).allSatisfy(r -> assertThat(r.topic()).isEqualTo(Topics.SCANS_FAILED));
            assertThat(producer.consumerGroupOffsetsHistory()).hasSize(1);
        });
    }

    @Test
    void shouldAbortAndRedoATransactionWhoseOffsetsTimedOut(@TempDir Path dir) throws Exception {
        FlakyProducer producer = new FlakyProducer();
        producer.offsetTimeouts.set(1);
        IngestLoop loop = loop(consumerWithOnePoisonRecord(), producer, dir);
        run(loop, producer, () -> {
            assertThat(loop.fatal()).isNull();
            assertThat(producer.aborts.get()).isEqualTo(1);
            assertThat(producer.commits.get()).isEqualTo(1);
            assertThat(producer.history()).hasSize(1); // the aborted attempt's ScanFailed is not visible
        });
    }

    @Test
    void shouldStopAsFatalWhenTheProducerIsBrokenInsteadOfRetryingForEver(@TempDir Path dir) throws Exception {
        FlakyProducer producer = new FlakyProducer();
        producer.breakWith = new KafkaException("injected: Unexpected error in TxnOffsetCommitResponse");
        IngestLoop loop = loop(consumerWithOnePoisonRecord(), producer, dir);
        run(loop, producer, () -> {
            // fatal: the service exits, and its restart's new producer settles the transaction
            assertThat(loop.fatal()).isInstanceOf(TransactionalPublisher.ProducerBrokenException.class)
                    .hasMessageContaining("Unexpected error in TxnOffsetCommitResponse");
            assertThat(loop.isRunning()).isFalse();
            assertThat(producer.history()).isEmpty();
            assertThat(producer.commits.get()).isZero();
        });
    }
}
