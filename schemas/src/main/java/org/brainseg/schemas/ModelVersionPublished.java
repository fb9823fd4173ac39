package org.brainseg.schemas;

import com.fasterxml.jackson.annotation.JsonIgnore;
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
 * @param normalization normalization layer; null only for an imported network (family
 *                      {@value #IMPORTED_FAMILY}), whose layers brainseg does not know
 * @param architecture  network shape
 * @param trainedOn     dataset it was trained on (URI, or name with data hash)
 * @param validation    validation loss and Dice
 * @param comparedWith  the version it was judged against on the same held-out cases (the active
 *                      one at the time) with that version's figures, or null when none was active
 * @param status        life-cycle state
 * @param parentVersion version it derives from or replaces, or null; less than {@code version}
 * @param createdAt     when the version was created
 * @param source        for an imported network, its own kind, name and version; null for
 *                      brainseg's own trainings (schema version 2)
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
        @JsonInclude(JsonInclude.Include.ALWAYS) Comparison comparedWith,
        ModelRef source) implements Event {

    /** The architecture family of brainseg's own U-Net. */
    public static final String NATIVE_FAMILY = "unet3d";
    /** The architecture family of a network imported as TorchScript (a MONAI bundle or an export). */
    public static final String IMPORTED_FAMILY = "torchscript";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public ModelVersionPublished {
        Require.nonNull(eventId, "eventId");
        Require.matches(Require.nonNull(name, "name"), NAME, "name",
                "1-64 characters [A-Za-z0-9._-] starting alphanumeric");
        Require.range(version, 1, Integer.MAX_VALUE, "version");
        Require.uri(artifactUri, "artifactUri");
        Require.sha256(sha256, "sha256");
        Require.nonNull(architecture, "architecture");
        if (architecture.isNative()) {
            Require.nonNull(normalization, "normalization");
            if (source != null && !ModelRef.NATIVE.equals(source.kind())) {
                throw new IllegalArgumentException("source.kind must be " + ModelRef.NATIVE + " for family "
                        + NATIVE_FAMILY + ", got " + source.kind());
            }
        } else if (IMPORTED_FAMILY.equals(architecture.family())) {
            Require.nonNull(source, "source");
            if (!ModelRef.TORCHSCRIPT.equals(source.kind())) {
                throw new IllegalArgumentException("source.kind must be " + ModelRef.TORCHSCRIPT + " for family "
                        + IMPORTED_FAMILY + ", got " + source.kind());
            }
        }
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
                parentVersion, createdAt, null, null);
    }

    /** A native version judged against another (schema version 1's fields). */
    public ModelVersionPublished(UUID eventId, String name, int version, URI artifactUri, String sha256,
            Normalization normalization, Architecture architecture, String trainedOn, Validation validation,
            ModelStatus status, Integer parentVersion, Instant createdAt, Comparison comparedWith) {
        this(eventId, name, version, artifactUri, sha256, normalization, architecture, trainedOn, validation, status,
                parentVersion, createdAt, comparedWith, null);
    }

    /** Whether this is brainseg's own network (which the trainer can fine-tune), not an imported one. */
    @JsonIgnore
    public boolean isNative() {
        return architecture.isNative();
    }

    /** The model as a person names it: the imported network's own name and version, else (native, name, version). */
    public ModelRef modelRef() {
        return source != null ? source : ModelRef.nativeVersion(name, version);
    }

    /**
     * Shape of the network: family ({@code unet3d} for brainseg's own, {@code torchscript} for an
     * imported one), depth (resolution levels) and base width (channels at the first level), both
     * null for an imported network, input channels, output channels and the patch size (D, H, W)
     * it was trained on (an imported network's inference window).
     */
    public record Architecture(String family, Integer depth, Integer baseWidth, int inChannels, int numClasses,
            List<Integer> patchSize) {
        public Architecture {
            Require.matches(Require.nonNull(family, "architecture.family"), NAME, "architecture.family",
                    "1-64 characters [A-Za-z0-9._-] starting alphanumeric");
            if (NATIVE_FAMILY.equals(family) || depth != null) {
                Require.range(Require.nonNull(depth, "architecture.depth"), 1, 16, "architecture.depth");
            }
            if (NATIVE_FAMILY.equals(family) || baseWidth != null) {
                Require.range(Require.nonNull(baseWidth, "architecture.baseWidth"), 1, 4096, "architecture.baseWidth");
            }
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

        /** Whether this is brainseg's own U-Net. */
        @JsonIgnore
        public boolean isNative() {
            return NATIVE_FAMILY.equals(family);
        }
    }

    /**
     * The other version of a promotion decision and its figures on the same held-out cases: with
     * {@code validation}, both figures the gate compared. The loss is null for an imported model.
     */
    public record Comparison(int version, Double loss, RegionValues dice) {
        public Comparison {
            Require.range(version, 1, Integer.MAX_VALUE, "comparedWith.version");
            if (loss != null) {
                Require.range(loss, 0, Double.MAX_VALUE, "comparedWith.loss");
            }
            Require.nonNull(dice, "comparedWith.dice").atMost(1.0, "comparedWith.dice");
        }
    }

    /**
     * Held-out loss (non-negative; null for an imported model, whose training loss brainseg does
     * not know) and Dice per label and region.
     */
    public record Validation(Double loss, RegionValues dice) {
        public Validation {
            if (loss != null) {
                Require.range(loss, 0, Double.MAX_VALUE, "validation.loss");
            }
            Require.nonNull(dice, "validation.dice").atMost(1.0, "validation.dice");
        }
    }

    /** The same version in another state (a new event id, everything else kept). */
    public ModelVersionPublished withStatus(ModelStatus newStatus) {
        return new ModelVersionPublished(UUID.randomUUID(), name, version, artifactUri, sha256, normalization,
                architecture, trainedOn, validation, newStatus, parentVersion, createdAt, comparedWith, source);
    }
}
