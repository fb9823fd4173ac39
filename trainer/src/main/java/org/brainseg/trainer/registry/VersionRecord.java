package org.brainseg.trainer.registry;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.brainseg.imaging.io.JsonMappers;
import org.brainseg.trainer.evaluation.Evaluation;

/**
 * {@code request.json} beside {@code model.json} in a version directory: which TrainingRequested
 * produced the version and how it was judged. It is written before the version is renamed into
 * the registry, so it is there exactly when the version is; a trainer restarted after the rename
 * but before its Kafka commit finds the version by request id and publishes it instead of
 * training again.
 *
 * @param requestId the request
 * @param reason the request's reason
 * @param datasetUri dataset trained on
 * @param normalization normalization layer
 * @param epochs epochs trained
 * @param seed seed
 * @param promotion the request's policy
 * @param trainedOn dataset URI with the sha256 of the preprocessed training data
 * @param candidate this version on the held-out set
 * @param comparedWithVersion the version active when it was judged, or null
 * @param comparedWith that version on the same held-out set, or null
 * @param trainingSeconds wall time of training and evaluation
 * @param createdAt ISO-8601 instant
 */
public record VersionRecord(String requestId, String reason, URI datasetUri, String normalization, int epochs, long seed,
        String promotion, String trainedOn, Evaluation candidate, Integer comparedWithVersion, Evaluation comparedWith,
        double trainingSeconds, String createdAt) {
    public static final String FILE_NAME = "request.json";
    private static final ObjectMapper JSON = JsonMappers.indented()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public void write(Path dir) throws IOException {
        Path tmp = dir.resolve("." + FILE_NAME + ".tmp");
        JSON.writeValue(tmp.toFile(), this);
        Files.move(tmp, dir.resolve(FILE_NAME), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** The record of a version directory; empty when it has none or it is unreadable. */
    public static Optional<VersionRecord> read(Path dir) {
        Path f = dir.resolve(FILE_NAME);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(f.toFile(), VersionRecord.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
