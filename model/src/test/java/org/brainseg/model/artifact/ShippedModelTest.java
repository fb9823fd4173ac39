package org.brainseg.model.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.brainseg.model.engine.DeviceChoice;
import org.brainseg.model.engine.EngineSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped default model (models/default) is in the jar, extracts to a verified directory and loads. */
class ShippedModelTest {
    @TempDir
    Path tmp;

    @Test
    void shouldExtractOnceVerifyAndLoadTheShippedModel() throws Exception {
        assertThat(ShippedModel.available()).as("models/default is packed into the model jar").isTrue();
        Path dir = ShippedModel.directory(tmp);
        assertThat(ShippedModel.directory(tmp)).isEqualTo(dir); // extracted once, found again
        ModelManifest m = ModelArtifact.readManifest(dir);
        assertThat(dir.getFileName().toString()).isEqualTo("brainseg-shipped-" + m.paramsSha256().substring(0, 16));
        String card = Files.readString(dir.resolve(ShippedModel.CARD_FILE));
        assertThat(card).contains(m.paramsSha256()).containsIgnoringCase("not for clinical use").contains("brainseg train");
        try (LoadedModel loaded = ModelArtifact.load(dir, EngineSettings.of(DeviceChoice.CPU, 1))) {
            assertThat(loaded.manifest().architecture()).isEqualTo(m.architecture());
        }
        // the repository copy and the packed one are the same files
        Path repo = Path.of("..", "models", "default");
        assertThat(Files.readAllBytes(repo.resolve(ModelArtifact.PARAMS_FILE)))
                .isEqualTo(Files.readAllBytes(dir.resolve(ModelArtifact.PARAMS_FILE)));
    }

    @Test
    void shouldShipItsQualityProfileAndRefreshAnOlderExtraction() throws Exception {
        Path dir = ShippedModel.directory(tmp);
        Path repo = Path.of("..", "models", "default", ModelArtifact.QUALITY_FILE);
        assertThat(dir.resolve(ModelArtifact.QUALITY_FILE)).hasSameBinaryContentAs(repo);
        // an extraction by a build without it (or with an older one) gets the packed one on the next use
        Files.delete(dir.resolve(ModelArtifact.QUALITY_FILE));
        assertThat(ShippedModel.directory(tmp)).isEqualTo(dir);
        assertThat(dir.resolve(ModelArtifact.QUALITY_FILE)).hasSameBinaryContentAs(repo);
        Files.writeString(dir.resolve(ModelArtifact.QUALITY_FILE), "{}");
        ShippedModel.directory(tmp);
        assertThat(dir.resolve(ModelArtifact.QUALITY_FILE)).hasSameBinaryContentAs(repo);
        assertThat(org.brainseg.model.quality.QualityProfile.read(dir).calibration()).isNotNull();
    }

    @Test
    void shouldRefuseAnExtractedCopyWhoseParametersWereReplaced() throws Exception {
        Path dir = ShippedModel.directory(tmp);
        Files.writeString(dir.resolve(ModelArtifact.PARAMS_FILE), "not the shipped weights");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ModelArtifact.load(dir, EngineSettings.of(DeviceChoice.CPU, 1)))
                .isInstanceOf(ModelArtifactException.class).hasMessageContaining("sha256");
    }
}
