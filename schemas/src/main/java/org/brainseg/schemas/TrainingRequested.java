package org.brainseg.schemas;

import java.net.URI;
import java.util.UUID;

/**
 * A request for the trainer to produce a new model version (topic
 * {@code brainseg.training.requests}, key {@code requestId}).
 *
 * @param eventId       unique id of this event
 * @param requestId     request id; repeated requests with one id are one request
 * @param reason        why (free text, at most 1024 characters)
 * @param datasetUri    dataset directory to train on
 * @param normalization normalization layer of the new model
 * @param epochs        epochs to train, 1..100000
 * @param seed          random seed, 0..2^53-1 (exact in every JSON reader)
 * @param promotion     what to do with the result
 * @param startFrom     fresh weights or the active version's (fine-tuning); null reads as scratch
 */
public record TrainingRequested(
        UUID eventId,
        String requestId,
        String reason,
        URI datasetUri,
        Normalization normalization,
        int epochs,
        long seed,
        Promotion promotion,
        StartFrom startFrom) implements Event {

    /** Largest integer every JSON reader (including JavaScript's) holds exactly. */
    public static final long MAX_SEED = (1L << 53) - 1;

    public TrainingRequested {
        Require.nonNull(eventId, "eventId");
        Require.id(requestId, "requestId");
        Require.text(reason, "reason", 0, 1024);
        Require.uri(datasetUri, "datasetUri");
        Require.nonNull(normalization, "normalization");
        Require.range(epochs, 1, 100_000, "epochs");
        Require.range(seed, 0, MAX_SEED, "seed");
        Require.nonNull(promotion, "promotion");
        if (startFrom == null) {
            startFrom = StartFrom.SCRATCH; // absent in events written before the field existed
        }
    }

    /** A request that trains from scratch. */
    public TrainingRequested(UUID eventId, String requestId, String reason, URI datasetUri, Normalization normalization,
            int epochs, long seed, Promotion promotion) {
        this(eventId, requestId, reason, datasetUri, normalization, epochs, seed, promotion, StartFrom.SCRATCH);
    }
}
