package org.brainseg.service.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.brainseg.schemas.Event;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes events, and optionally the consumer offsets past what produced them, in one Kafka
 * transaction: the one implementation of brainseg's exactly-once write, used by the worker's
 * ingest loop, the trainer, auto-retrain and the models admin.
 *
 * <p>The retry policy (the fix for broker restarts):
 * <ul>
 *   <li>Until {@code commitTransaction} is called, a failed attempt is aborted (the abort itself
 *       retried while it times out, until the broker confirms it) and redone after a capped
 *       backoff, at most {@link Policy#maxAttempts()} times.</li>
 *   <li>A {@code commitTransaction} that times out has an unknown outcome: the broker may commit
 *       it once it answers. It is never aborted nor redone (a redo could publish twice) but
 *       retried, which resumes the same request, for at most {@link Policy#unknownOutcomePatience()};
 *       then {@link OutcomeUnknownException}, and the restarted producer's
 *       {@code initTransactions} settles the transaction.</li>
 *   <li>Fencing, authorization, authentication and an unsupported broker are fatal: the Kafka
 *       exception is thrown as it is, also when Kafka wraps it in its "error state" exception.</li>
 *   <li>A producer that cannot abort is in Kafka's fatal error state: every later call fails
 *       with "we are in an error state", so retrying it would spin for ever (a worker did that
 *       in CI after a broker was cut off: docs/RELIABILITY.md). {@link ProducerBrokenException}, fatal: the
 *       restarted service's new producer ({@code initTransactions}) aborts the open transaction,
 *       and the work is redone from the committed offsets.</li>
 *   <li>When the attempts run out, or the consumer group moved on ({@link CommitFailedException}),
 *       nothing of the transaction is visible: {@link NotPublishedException}; the caller redoes
 *       the work (the worker rewinds its partitions) or reports it.</li>
 * </ul>
 *
 * <p>Not thread-safe: one owner thread, like the producer's transactions.
 */
public final class TransactionalPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionalPublisher.class);

    /**
     * How hard to try.
     *
     * @param maxAttempts attempts of a transaction that fails before its commit (1: no retry)
     * @param unknownOutcomePatience how long a commit or abort that times out is retried
     */
    public record Policy(int maxAttempts, Duration unknownOutcomePatience) {
        /** The services': about a minute of capped backoff, five minutes for an unknown outcome. */
        public static final Policy SERVICE = new Policy(12, Duration.ofMinutes(5));

        public Policy {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
            }
            if (unknownOutcomePatience == null || unknownOutcomePatience.isNegative()) {
                throw new IllegalArgumentException("unknownOutcomePatience must be zero or more, got " + unknownOutcomePatience);
            }
        }

        /** For a person waiting: one attempt, an unknown outcome retried for {@code timeout}. */
        public static Policy interactive(Duration timeout) {
            return new Policy(1, timeout);
        }
    }

    /** Nothing of the transaction is visible: it was aborted and not retried further. */
    public static final class NotPublishedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotPublishedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The producer is in Kafka's fatal error state (its abort failed): no call on it can succeed
     * again. Nothing of the open transaction is visible; only a new producer can go on.
     */
    public static final class ProducerBrokenException extends KafkaException {
        private static final long serialVersionUID = 1L;

        ProducerBrokenException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A commit stayed unconfirmed past the patience: it may or may not become visible. */
    public static final class OutcomeUnknownException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OutcomeUnknownException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** How many refused aborts in a row make the producer broken. */
    static final int ABORT_REFUSALS = 3;

    private final Producer<byte[], byte[]> producer;
    private final EventCodec codec;
    private final Policy policy;

    public TransactionalPublisher(Producer<byte[], byte[]> producer, EventCodec codec, Policy policy) {
        this.producer = producer;
        this.codec = codec;
        this.policy = policy;
    }

    /** {@code initTransactions}: fences an earlier producer with the same id and settles its open transaction. */
    public void init() {
        producer.initTransactions();
    }

    /** Publishes {@code events} in one transaction (no consumer offsets). */
    public void publish(List<? extends Event> events) {
        publish(events, Map.of(), null);
    }

    /**
     * Publishes {@code events} and commits {@code offsets} for {@code group} in one transaction,
     * each event to its topic ({@link Topics#forEvent}) under its key ({@link Topics#key}).
     *
     * @throws NotPublishedException nothing was published (attempts exhausted, or the group moved on)
     * @throws OutcomeUnknownException the commit stayed unconfirmed past the patience
     * @throws ProducerBrokenException the producer can no longer abort: replace it (restart)
     * @throws KafkaException a fatal producer error (fenced, not authorized, ...)
     */
    public void publish(List<? extends Event> events, Map<TopicPartition, OffsetAndMetadata> offsets,
            ConsumerGroupMetadata group) {
        String what = describe(events, offsets);
        for (int attempt = 1; ; attempt++) {
            try {
                producer.beginTransaction();
                for (Event ev : events) {
                    producer.send(new ProducerRecord<>(Topics.forEvent(ev.getClass()).name(), key(ev), codec.encode(ev)));
                }
                if (!offsets.isEmpty()) {
                    producer.sendOffsetsToTransaction(offsets, group);
                }
            } catch (KafkaException e) {
                failedAttempt(what, attempt, e);
                continue;
            }
            try {
                finishCommit(what);
                return;
            } catch (KafkaException e) {
                // refused (not timed out): nothing of the transaction is visible
                failedAttempt(what, attempt, e);
            }
        }
    }

    /** Aborts, then either returns after a backoff (try again) or throws. */
    private void failedAttempt(String what, int attempt, KafkaException e) {
        throwIfFatal(e);
        abortCompletely(e);
        if (e instanceof CommitFailedException || attempt >= policy.maxAttempts()) {
            throw new NotPublishedException("publishing " + what + " failed after " + attempt + " attempt"
                    + (attempt == 1 ? "" : "s") + ", nothing was published: " + e, e);
        }
        long wait = backoffMs(attempt);
        LOG.warn("publishing {} failed (attempt {}): {}; retrying in {} ms", what, attempt, withCauses(e), wait);
        sleep(wait);
    }

    /** {@code commitTransaction}, retried while it times out (same request resumed), bounded by the patience. */
    private void finishCommit(String what) {
        long deadline = System.nanoTime() + policy.unknownOutcomePatience().toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                producer.commitTransaction();
                return;
            } catch (TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw new OutcomeUnknownException("commit of " + what + " still unconfirmed after "
                            + policy.unknownOutcomePatience().toSeconds() + " s; a restart settles it", e);
                }
                long wait = backoffMs(attempt);
                LOG.warn("commit of {} not confirmed yet (attempt {}: {}); retrying the commit in {} ms", what, attempt,
                        e.getMessage(), wait);
                sleep(wait);
            }
        }
    }

    /**
     * Aborts the open transaction and waits until the broker confirmed it: a timed-out abort
     * must be retried before the producer accepts a new transaction.
     */
    private void abortCompletely(KafkaException cause) {
        long deadline = System.nanoTime() + policy.unknownOutcomePatience().toNanos();
        int refusals = 0;
        for (int attempt = 1; ; attempt++) {
            try {
                producer.abortTransaction();
                return;
            } catch (TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw new OutcomeUnknownException("abort not confirmed after " + policy.unknownOutcomePatience().toSeconds()
                            + " s (first failure: " + cause + ")", e);
                }
                sleep(backoffMs(attempt));
            } catch (InterruptException e) {
                LOG.debug("abort after {} interrupted", cause.toString());
                return;
            } catch (KafkaException | IllegalStateException e) {
                if (e instanceof IllegalStateException && e.getCause() == null) {
                    // no transaction was open (beginTransaction itself failed): nothing to abort
                    LOG.debug("nothing to abort after {}: {}", cause.toString(), e.getMessage());
                    return;
                }
                if (e instanceof KafkaException k) {
                    throwIfFatal(k);
                }
                // Kafka's fatal state refuses every abort (an abortable error is what an abort clears),
                // naming the error that broke it as the cause: a refusal that repeats means a producer to replace
                if (++refusals >= ABORT_REFUSALS) {
                    throw new ProducerBrokenException("the producer cannot abort after " + withCauses(cause) + ": "
                            + withCauses(e) + " (" + refusals + " times); it needs replacing (a restart)", e);
                }
                LOG.warn("aborting after {} was refused: {}; trying again", cause.toString(), withCauses(e));
                sleep(backoffMs(attempt));
            }
        }
    }

    /**
     * Another instance owns our transactional id, we may not write, or the broker cannot do
     * transactions: fatal. Nothing uncommitted is visible, so whoever takes over redoes it. Kafka
     * reports such an error again, wrapped, on every later call: the causes are looked at too.
     */
    static void throwIfFatal(KafkaException e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ProducerFencedException || c instanceof OutOfOrderSequenceException
                    || c instanceof InvalidProducerEpochException || c instanceof AuthorizationException
                    || c instanceof AuthenticationException || c instanceof UnsupportedVersionException) {
                throw e;
            }
        }
    }

    /** {@code e} and its causes, each once: Kafka wraps the error that broke a producer in a generic one. */
    static String withCauses(Throwable e) {
        StringBuilder b = new StringBuilder(e.toString());
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            b.append(" <- ").append(c);
        }
        return b.toString();
    }

    static long backoffMs(int attempt) {
        return Math.min(10_000, 100L << Math.min(7, attempt));
    }

    private static String describe(List<? extends Event> events, Map<TopicPartition, OffsetAndMetadata> offsets) {
        return events.size() + " event" + (events.size() == 1 ? "" : "s")
                + (offsets.isEmpty() ? "" : " with the offsets of " + offsets.keySet());
    }

    private static byte[] key(Event ev) {
        String k = Topics.key(ev);
        return k == null ? null : k.getBytes(StandardCharsets.UTF_8);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
