package org.brainseg.schemas;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * An input was given up on: poison, or a transient fault that outlived its retries (topic
 * {@code brainseg.scans.failed}, key {@code scanId} when known). Carries provenance so the
 * record can be found and replayed, in the manner of Kafka Connect's dead letter queue.
 *
 * <p>The trainer reports the TrainingRequested events it cannot serve here too (one dead letter
 * topic for brainseg): such an event has no {@code scanId}, its {@code source.topic} is
 * {@code brainseg.training.requests}, and {@code trainingRequestId} names the request when it
 * could be read ({@link #ofTrainingRequest}); {@link #reportsTrainingRequest()} tells them apart.
 *
 * @param eventId   unique id of this event
 * @param scanId    scan id when it could be read, else null
 * @param source    where the failed record was read
 * @param errorCode why it failed
 * @param message   precise reason naming the field or file (at most {@value #MAX_MESSAGE} characters)
 * @param retriable always false: a failed event is final
 * @param attempts  how many times processing was tried (at least 1)
 * @param payload   the input as text, at most {@value #MAX_PAYLOAD} characters; see {@link #payloadOf(byte[])}
 * @param failedAt  when it was given up
 * @param trainingRequestId the request id of a failed TrainingRequested, else null (absent in JSON)
 */
public record ScanFailed(
        UUID eventId,
        String scanId,
        Source source,
        ErrorCode errorCode,
        String message,
        boolean retriable,
        int attempts,
        String payload,
        Instant failedAt,
        String trainingRequestId) implements Event {

    /** Longest payload kept, in characters; the original stays on the source topic. */
    public static final int MAX_PAYLOAD = 4096;
    /** Longest message kept, in characters. */
    public static final int MAX_MESSAGE = 4096;
    private static final String ELLIPSIS = "...[truncated]";

    public ScanFailed {
        Require.nonNull(eventId, "eventId");
        if (scanId != null) {
            Require.id(scanId, "scanId");
        }
        Require.nonNull(source, "source");
        Require.nonNull(errorCode, "errorCode");
        Require.text(message, "message", 1, MAX_MESSAGE);
        if (retriable) {
            throw new IllegalArgumentException("retriable must be false: failed events are final");
        }
        Require.range(attempts, 1, 1000, "attempts");
        Require.text(payload, "payload", 0, MAX_PAYLOAD);
        Require.nonNull(failedAt, "failedAt");
        if (trainingRequestId != null) {
            Require.id(trainingRequestId, "trainingRequestId");
            if (scanId != null) {
                throw new IllegalArgumentException("trainingRequestId: a failed training request has no scanId");
            }
        }
    }

    /** A failed scan (no training request id). */
    public ScanFailed(UUID eventId, String scanId, Source source, ErrorCode errorCode, String message, boolean retriable,
            int attempts, String payload, Instant failedAt) {
        this(eventId, scanId, source, errorCode, message, retriable, attempts, payload, failedAt, null);
    }

    /** A failure at {@code now}, with a fresh event id. */
    public static ScanFailed of(String scanId, Source source, ErrorCode code, String message, int attempts,
            byte[] rawPayload, Instant now) {
        return new ScanFailed(UUID.randomUUID(), scanId, source, code, truncate(message, MAX_MESSAGE), false,
                attempts, payloadOf(rawPayload), now, null);
    }

    /**
     * A training request that cannot be served, at {@code now}: no scan id; {@code requestId} is
     * null when the record could not even be read as a TrainingRequested.
     */
    public static ScanFailed ofTrainingRequest(String requestId, Source source, ErrorCode code, String message,
            byte[] rawPayload, Instant now) {
        return new ScanFailed(UUID.randomUUID(), null, source, code, truncate(message, MAX_MESSAGE), false, 1,
                payloadOf(rawPayload), now, requestId);
    }

    /** Whether this reports a training request rather than a scan (its source is the training-requests topic). */
    public boolean reportsTrainingRequest() {
        return trainingRequestId != null || Topics.TRAINING_REQUESTS.equals(source.topic());
    }

    /**
     * The raw record value as text for {@link #payload()}: decoded as UTF-8 with invalid bytes
     * replaced (so that non-UTF-8 poison can still be shown), unpaired surrogates replaced,
     * and truncated to {@value #MAX_PAYLOAD} characters with a marker. Null gives "".
     */
    public static String payloadOf(byte[] raw) {
        if (raw == null) {
            return "";
        }
        // Decode at most what can be kept (4 bytes per char at most), never a whole huge value.
        int n = Math.min(raw.length, MAX_PAYLOAD * 4);
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        String text;
        try {
            text = dec.decode(ByteBuffer.wrap(raw, 0, n)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("REPLACE decoder cannot fail", e);
        }
        boolean cut = n < raw.length;
        return truncate(text, MAX_PAYLOAD, cut);
    }

    static String truncate(String s, int max) {
        return truncate(s, max, false);
    }

    private static String truncate(String s, int max, boolean alreadyCut) {
        if (!alreadyCut && s.length() <= max) {
            return s;
        }
        int keep = Math.min(s.length(), max - ELLIPSIS.length());
        // Never split a surrogate pair: the result must encode as valid UTF-8.
        if (keep > 0 && Character.isHighSurrogate(s.charAt(keep - 1))) {
            keep--;
        }
        return s.substring(0, keep) + ELLIPSIS;
    }

    /** Topic, partition and offset of the failed record. */
    public record Source(String topic, int partition, long offset) {
        public Source {
            Require.matches(Require.nonNull(topic, "source.topic"), Require.TOPIC, "source.topic",
                    "a Kafka topic name");
            Require.range(partition, 0, Integer.MAX_VALUE, "source.partition");
            Require.range(offset, 0, Long.MAX_VALUE, "source.offset");
        }
    }
}
