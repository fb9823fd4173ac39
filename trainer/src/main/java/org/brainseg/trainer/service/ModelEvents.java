package org.brainseg.trainer.service;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.brainseg.model.artifact.ModelManifest;
import org.brainseg.model.net.UNetConfig;
import org.brainseg.schemas.ModelStatus;
import org.brainseg.schemas.ModelVersionPublished;
import org.brainseg.schemas.Normalization;

/** Builds the ModelVersionPublished events of brainseg.models (shared by the service and the operator commands). */
public final class ModelEvents {
    public static final String FAMILY = "unet3d";

    private ModelEvents() {}

    /** The event announcing a registry version with a status. */
    public static ModelVersionPublished version(String name, int version, URI artifactUri, ModelManifest m, VersionRecord r,
            ModelStatus status, Integer parentVersion, Instant createdAt) {
        UNetConfig a = m.architecture();
        int p = m.patchSize();
        ModelVersionPublished.Architecture arch = new ModelVersionPublished.Architecture(FAMILY, a.depth(), a.baseWidth(),
                a.inChannels(), a.classes(), List.of(p, p, p));
        String trainedOn = r.trainedOn().length() > 2048 ? r.trainedOn().substring(0, 2048) : r.trainedOn();
        ModelVersionPublished.Comparison compared = null;
        if (r.comparedWith() != null && r.comparedWithVersion() != null && r.comparedWithVersion() != version) {
            ModelVersionPublished.Validation v = r.comparedWith().toValidation();
            compared = new ModelVersionPublished.Comparison(r.comparedWithVersion(), v.loss(), v.dice());
        }
        return new ModelVersionPublished(UUID.randomUUID(), name, version, artifactUri, m.paramsSha256(),
                Normalization.parse(a.normalization().id()), arch, trainedOn, r.candidate().toValidation(), status,
                parentVersion != null && parentVersion < version ? parentVersion : null, createdAt, compared);
    }

    /** The same version in another state (a new event id, everything else kept). */
    public static ModelVersionPublished withStatus(ModelVersionPublished e, ModelStatus status) {
        return new ModelVersionPublished(UUID.randomUUID(), e.name(), e.version(), e.artifactUri(), e.sha256(),
                e.normalization(), e.architecture(), e.trainedOn(), e.validation(), status, e.parentVersion(), e.createdAt(),
                e.comparedWith());
    }

    /**
     * What to publish, in order, in one transaction: the version in its new state; when it becomes
     * active, the previously active version (if another) then retired.
     */
    public static List<ModelVersionPublished> transition(ModelVersionPublished changed, Optional<ModelVersionPublished> active) {
        List<ModelVersionPublished> out = new ArrayList<>();
        out.add(changed);
        if (changed.status() == ModelStatus.ACTIVE && active.isPresent() && active.get().version() != changed.version()) {
            out.add(withStatus(active.get(), ModelStatus.RETIRED));
        }
        return out;
    }
}
