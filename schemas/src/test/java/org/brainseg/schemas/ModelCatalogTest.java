package org.brainseg.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ModelCatalogTest {
    private static ModelVersionPublished event(String name, int version, ModelStatus status) {
        return new ModelVersionPublished(UUID.randomUUID(), name, version,
                URI.create("file:///registry/" + name + "/" + version), "a".repeat(64), Normalization.LAYER,
                new ModelVersionPublished.Architecture("unet3d", 3, 8, 4, 4, List.of(48, 48, 48)), "file:///data",
                new ModelVersionPublished.Validation(0.3, new RegionValues(0.5, 0.5, 0.5, 0.5, 0.5, 0.5)), status,
                version > 1 ? version - 1 : null, Instant.parse("2026-11-28T00:00:00Z"));
    }

    @Test
    void emptyCatalogHasNoActiveVersion() {
        ModelCatalog c = new ModelCatalog("m");
        assertThat(c.active()).isEmpty();
        assertThat(c.highestVersion()).isZero();
        assertThat(c.rollbackTarget()).isEmpty();
    }

    @Test
    void rejectedCandidateAfterTheActiveVersionDoesNotHideIt() {
        ModelCatalog c = new ModelCatalog("m");
        c.apply(event("m", 1, ModelStatus.ACTIVE));
        c.apply(event("m", 2, ModelStatus.REJECTED));
        assertThat(c.active()).map(ModelVersionPublished::version).contains(1);
        assertThat(c.highestVersion()).isEqualTo(2);
    }

    @Test
    void promotionThenRollback() {
        ModelCatalog c = new ModelCatalog("m");
        c.apply(event("m", 1, ModelStatus.ACTIVE));
        c.apply(event("m", 2, ModelStatus.ACTIVE));
        // between the two events of one promotion both say active: the later one wins
        assertThat(c.active()).map(ModelVersionPublished::version).contains(2);
        c.apply(event("m", 1, ModelStatus.RETIRED));
        assertThat(c.active()).map(ModelVersionPublished::version).contains(2);
        assertThat(c.rollbackTarget()).map(ModelVersionPublished::version).contains(1);

        c.apply(event("m", 1, ModelStatus.ACTIVE));
        c.apply(event("m", 2, ModelStatus.RETIRED));
        assertThat(c.active()).map(ModelVersionPublished::version).contains(1);
        assertThat(c.rollbackTarget()).isEmpty();
        assertThat(c.versions()).extracting(ModelVersionPublished::status)
                .containsExactly(ModelStatus.ACTIVE, ModelStatus.RETIRED);
    }

    @Test
    void otherModelNamesAreIgnored() {
        ModelCatalog c = new ModelCatalog("m");
        assertThat(c.apply(event("other", 7, ModelStatus.ACTIVE))).isFalse();
        assertThat(c.active()).isEmpty();
        assertThat(c.version(7)).isEmpty();
    }

    @Test
    void retiringTheOnlyActiveVersionLeavesNoneActive() {
        ModelCatalog c = new ModelCatalog("m");
        c.apply(event("m", 1, ModelStatus.ACTIVE));
        c.apply(event("m", 1, ModelStatus.RETIRED));
        assertThat(c.active()).isEmpty();
    }
}
