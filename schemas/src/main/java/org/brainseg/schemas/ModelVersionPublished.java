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
        Instant createdAt) implements Event {

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

    /** Validation loss (non-negative) and Dice per label and region. */
    public record Validation(double loss, RegionValues dice) {
        public Validation {
            Require.range(loss, 0, Double.MAX_VALUE, "validation.loss");
            Require.nonNull(dice, "validation.dice").atMost(1.0, "validation.dice");
        }
    }
}
