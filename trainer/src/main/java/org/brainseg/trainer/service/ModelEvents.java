package org.brainseg.trainer.service;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.brainseg.model.artifact.ModelManifest;
import org.brainseg.model.net.UNetConfig;
import org.brainseg.schemas.ModelStatus;
import org.brainseg.schemas.ModelVersionPublished;
import org.brainseg.trainer.registry.VersionRecord;

/**
 * Builds the ModelVersionPublished event of a trained registry version (the trainer and the demo).
 * State changes of a known version: {@link ModelVersionPublished#withStatus} and
 * {@link org.brainseg.schemas.ModelCatalog#transition}.
 */
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
                a.normalization(), arch, trainedOn, r.candidate().toValidation(), status,
                parentVersion != null && parentVersion < version ? parentVersion : null, createdAt, compared);
    }
}
