package org.brainseg.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A model version changed state in the registry (topic {@code brainseg.models}, compacted, key
 * {@code name}: the latest event per name is the registry's current word). Workers load,
 * verify against {@code sha256} and swap in the {@link ModelStatus#ACTIVE} version.
 *
 * @param eventId       unique id of this event
 * @param name          model name (1-64 characters {@code [A-Za-z0-9._-]})
 * @param version       monotonic version number, at least 1
 * @param artifactUri   model version directory (DJL parameters + model.json)
 * @param sha256        SHA-256 of the parameters file
 * @param normalization normalization layer
 * @param architecture  network shape
 * @param trainedOn     dataset it was trained on (URI, or name with data hash)
 * @param validation    validation loss and Dice
 * @param comparedWith  the version it was judged against on the same held-out cases (the active
 *                      one at the time) with that version's figures, or null when none was active
 * @param status        life-cycle state
 * @param parentVersion version it derives from or replaces, or null; less than {@code version}
 * @param createdAt     when the version was created
 */
public record ModelVersionPublished(
        UUID eventId,
        String name,
        int version,
        URI artifactUri,
        String sha256,
        Normalization normalization,
        Architecture architecture,
        String trainedOn,
        Validation validation,
        ModelStatus status,
        @JsonInclude(JsonInclude.Include.ALWAYS) Integer parentVersion,
        Instant createdAt,
        @JsonInclude(JsonInclude.Include.ALWAYS) Comparison comparedWith) implements Event {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public ModelVersionPublished {
        Require.nonNull(eventId, "eventId");
        Require.matches(Require.nonNull(name, "name"), NAME, "name",
                "1-64 characters [A-Za-z0-9._-] starting alphanumeric");
        Require.range(version, 1, Integer.MAX_VALUE, "version");
        Require.uri(artifactUri, "artifactUri");
        Require.sha256(sha256, "sha256");
        Require.nonNull(normalization, "normalization");
        Require.nonNull(architecture, "architecture");
        Require.text(trainedOn, "trainedOn", 1, 2048);
        Require.nonNull(validation, "validation");
        Require.nonNull(status, "status");
        if (parentVersion != null) {
            Require.range(parentVersion, 1, version - 1L, "parentVersion");
        }
        Require.nonNull(createdAt, "createdAt");
        if (comparedWith != null && comparedWith.version() == version) {
            throw new IllegalArgumentException("comparedWith.version must differ from version " + version);
        }
    }

    /** A version without a comparison (the first of a model, or an operator's state change of one). */
    public ModelVersionPublished(UUID eventId, String name, int version, URI artifactUri, String sha256,
            Normalization normalization, Architecture architecture, String trainedOn, Validation validation,
            ModelStatus status, Integer parentVersion, Instant createdAt) {
        this(eventId, name, version, artifactUri, sha256, normalization, architecture, trainedOn, validation, status,
                parentVersion, createdAt, null);
    }

    /**
     * Shape of the network: family (e.g. {@code unet3d}), depth (resolution levels), base
     * width (channels at the first level), input channels, output classes and the patch size
     * (D, H, W) it was trained on.
     */
    public record Architecture(String family, int depth, int baseWidth, int inChannels, int numClasses,
            List<Integer> patchSize) {
        public Architecture {
            Require.matches(Require.nonNull(family, "architecture.family"), NAME, "architecture.family",
                    "1-64 characters [A-Za-z0-9._-] starting alphanumeric");
            Require.range(depth, 1, 16, "architecture.depth");
            Require.range(baseWidth, 1, 4096, "architecture.baseWidth");
            Require.range(inChannels, 1, 64, "architecture.inChannels");
            Require.range(numClasses, 2, 64, "architecture.numClasses");
            Require.nonNull(patchSize, "architecture.patchSize");
            if (patchSize.size() != 3) {
                throw new IllegalArgumentException("architecture.patchSize must have 3 entries (D, H, W), got "
                        + patchSize.size());
            }
            for (Integer p : patchSize) {
                Require.range(Require.nonNull(p, "architecture.patchSize[]"), 1, 4096, "architecture.patchSize[]");
            }
            patchSize = List.copyOf(patchSize);
        }
    }

    /**
     * The other version of a promotion decision and its figures on the same held-out cases: with
     * {@code validation}, both figures the gate compared.
     */
    public record Comparison(int version, double loss, RegionValues dice) {
        public Comparison {
            Require.range(version, 1, Integer.MAX_VALUE, "comparedWith.version");
            Require.range(loss, 0, Double.MAX_VALUE, "comparedWith.loss");
            Require.nonNull(dice, "comparedWith.dice").atMost(1.0, "comparedWith.dice");
        }
    }

    /** Validation loss (non-negative) and Dice per label and region. */
    public record Validation(double loss, RegionValues dice) {
        public Validation {
            Require.range(loss, 0, Double.MAX_VALUE, "validation.loss");
            Require.nonNull(dice, "validation.dice").atMost(1.0, "validation.dice");
        }
    }

    /** The same version in another state (a new event id, everything else kept). */
    public ModelVersionPublished withStatus(ModelStatus newStatus) {
        return new ModelVersionPublished(UUID.randomUUID(), name, version, artifactUri, sha256, normalization,
                architecture, trainedOn, validation, newStatus, parentVersion, createdAt, comparedWith);
    }
}
