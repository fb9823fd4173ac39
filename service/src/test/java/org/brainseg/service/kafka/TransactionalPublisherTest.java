package org.brainseg.service.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.brainseg.schemas.ErrorCode;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.ScanFailed;
import org.brainseg.schemas.Topics;
import org.junit.jupiter.api.Test;

/** The retry policy of the one transactional publisher, against Kafka's own producer test double. */
class TransactionalPublisherTest {
    static final TopicPartition TP = new TopicPartition(Topics.SCANS_ARRIVED, 0);
    static final ConsumerGroupMetadata GROUP = new ConsumerGroupMetadata("g");

    private static List<ScanFailed> oneEvent() {
        return List.of(ScanFailed.of("s1", new ScanFailed.Source(TP.topic(), 0, 0), ErrorCode.INTERNAL, "boom", 1,
                new byte[] {1}, Instant.parse("2026-01-01T00:00:00Z")));
    }

    private static TransactionalPublisher publisher(FlakyProducer p, TransactionalPublisher.Policy policy) {
        TransactionalPublisher t = new TransactionalPublisher(p, new EventCodec(), policy);
        t.init();
        return t;
    }

    @Test
    void shouldRetryATimedOutCommitInsteadOfAbortingIt() {
        FlakyProducer p = new FlakyProducer();
        p.commitTimeouts.set(2);
        publisher(p, TransactionalPublisher.Policy.SERVICE).publish(oneEvent(), Map.of(TP, new OffsetAndMetadata(1)), GROUP);
        assertThat(p.aborts.get()).isZero();
        assertThat(p.commits.get()).isEqualTo(1);
        assertThat(p.history()).hasSize(1).allSatisfy(r -> assertThat(r.topic()).isEqualTo(Topics.SCANS_FAILED));
        assertThat(p.consumerGroupOffsetsHistory()).hasSize(1);
    }

    @Test
    void shouldAbortAndRedoATransactionWhoseOffsetsTimedOut() {
        FlakyProducer p = new FlakyProducer();
        p.offsetTimeouts.set(1);
        publisher(p, TransactionalPublisher.Policy.SERVICE).publish(oneEvent(), Map.of(TP, new OffsetAndMetadata(1)), GROUP);
        assertThat(p.aborts.get()).isEqualTo(1);
        assertThat(p.commits.get()).isEqualTo(1);
        assertThat(p.history()).hasSize(1); // the aborted attempt's event is not visible
    }

    @Test
    void shouldReportNotPublishedWhenTheAttemptsRunOut() {
        FlakyProducer p = new FlakyProducer();
        p.offsetTimeouts.set(5);
        TransactionalPublisher t = publisher(p, TransactionalPublisher.Policy.interactive(Duration.ofSeconds(1)));
        assertThatThrownBy(() -> t.publish(oneEvent(), Map.of(TP, new OffsetAndMetadata(1)), GROUP))
                .isInstanceOf(TransactionalPublisher.NotPublishedException.class)
                .hasMessageContaining("nothing was published").hasCauseInstanceOf(TimeoutException.class);
        assertThat(p.commits.get()).isZero();
        assertThat(p.history()).isEmpty();
    }

    @Test
    void shouldReportAnUnknownOutcomeWhenTheCommitStaysUnconfirmed() {
        FlakyProducer p = new FlakyProducer();
        p.commitTimeouts.set(1_000);
        TransactionalPublisher t = publisher(p, new TransactionalPublisher.Policy(3, Duration.ZERO));
        assertThatThrownBy(() -> t.publish(oneEvent()))
                .isInstanceOf(TransactionalPublisher.OutcomeUnknownException.class).hasMessageContaining("unconfirmed");
        assertThat(p.aborts.get()).isZero(); // never aborted: it may still commit
    }

    @Test
    void shouldThrowFencingAsItIs() {
        FlakyProducer p = new FlakyProducer();
        p.fenced.set(1);
        TransactionalPublisher t = publisher(p, TransactionalPublisher.Policy.SERVICE);
        assertThatThrownBy(() -> t.publish(oneEvent(), Map.of(TP, new OffsetAndMetadata(1)), GROUP))
                .isInstanceOf(ProducerFencedException.class);
    }

    @Test
    void shouldReportABrokenProducerInsteadOfRetryingItForEver() {
        // what a worker did in CI after a broker was cut off: every call "in an error state", retried for ever
        FlakyProducer p = new FlakyProducer();
        p.breakWith = new KafkaException("injected: Unexpected error in TxnOffsetCommitResponse");
        TransactionalPublisher t = publisher(p, TransactionalPublisher.Policy.SERVICE);
        assertThatThrownBy(() -> t.publish(oneEvent(), Map.of(TP, new OffsetAndMetadata(1)), GROUP))
                .isInstanceOf(TransactionalPublisher.ProducerBrokenException.class)
                .hasMessageContaining("cannot abort").hasMessageContaining("Unexpected error in TxnOffsetCommitResponse")
                .hasMessageContaining("error state");
        assertThat(p.aborts.get()).as("aborts tried before giving up").isEqualTo(TransactionalPublisher.ABORT_REFUSALS);
        assertThat(p.commits.get()).isZero();
        assertThat(p.history()).isEmpty();
    }

    @Test
    void shouldThrowAnAuthorizationErrorThatKafkaWrappedAsItIs() {
        FlakyProducer p = new FlakyProducer();
        p.breakWith = new TransactionalIdAuthorizationException("injected: not allowed");
        TransactionalPublisher t = publisher(p, TransactionalPublisher.Policy.SERVICE);
        assertThatThrownBy(() -> t.publish(oneEvent(), Map.of(TP, new OffsetAndMetadata(1)), GROUP))
                .isInstanceOf(TransactionalIdAuthorizationException.class);
        assertThatThrownBy(() -> t.publish(oneEvent(), Map.of(TP, new OffsetAndMetadata(1)), GROUP))
                .as("the next call, refused with the error wrapped").isNotInstanceOf(TransactionalPublisher.ProducerBrokenException.class)
                .hasMessageContaining("error state").hasCauseInstanceOf(TransactionalIdAuthorizationException.class);
        assertThat(p.aborts.get()).isZero();
    }

    @Test
    void shouldGoOnAfterAnAbortRefusedOnce() {
        FlakyProducer p = new FlakyProducer();
        p.offsetTimeouts.set(1);
        p.abortRefusals.set(1);
        publisher(p, TransactionalPublisher.Policy.SERVICE).publish(oneEvent(), Map.of(TP, new OffsetAndMetadata(1)), GROUP);
        assertThat(p.aborts.get()).isEqualTo(2);
        assertThat(p.commits.get()).isEqualTo(1);
        assertThat(p.history()).hasSize(1);
    }

    @Test
    void shouldRefuseANonsensePolicy() {
        assertThatThrownBy(() -> new TransactionalPublisher.Policy(0, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAttempts");
    }
}
