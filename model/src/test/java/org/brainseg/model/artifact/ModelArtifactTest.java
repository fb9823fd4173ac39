package org.brainseg.model.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.brainseg.imaging.labels.LabelConvention;
import org.brainseg.imaging.preprocess.PreprocessOptions;
import org.brainseg.model.infer.SlidingWindow;
import org.brainseg.model.net.UNet3d;
import org.brainseg.model.net.UNetConfig;
import org.brainseg.schemas.Normalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ModelArtifactTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final UNetConfig ARCH = UNetConfig.brats(2, 4, Normalization.LAYER);

    @TempDir
    Path tmp;

    static ModelManifest manifest(UNetConfig arch, PreprocessOptions pre) {
        return new ModelManifest("test", arch, 16, pre, LabelConvention.INTERNAL, "abc", Map.of("epochs", 1),
                Map.of("dice_WT", 0.5), ModelArtifact.PARAMS_FILE, "", "2026-01-01T00:00:00Z", "test");
    }

    /** Saves a freshly initialized (seeded) network; returns its predictions on a fixed random volume. */
    static float[][] saveRandomModel(Path dir, UNetConfig arch, PreprocessOptions pre) throws IOException {
        Engine.getInstance().setRandomSeed(4);
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            UNet3d net = new UNet3d(arch);
            net.initialize(m, DataType.FLOAT32, new Shape(1, 4, 16, 16, 16));
            ModelManifest written = ModelArtifact.save(dir, net, manifest(arch, pre));
            assertThat(written.paramsSha256()).hasSize(64);
            return predict(net, m);
        }
    }

    static float[][] predict(UNet3d net, NDManager m) {
        int nx = 20;
        int ny = 16;
        int nz = 24;
        Random r = new Random(9);
        float[][] ch = new float[4][nx * ny * nz];
        for (float[] c : ch) {
            for (int i = 0; i < c.length; i++) {
                c[i] = (float) r.nextGaussian();
            }
        }
        return new SlidingWindow(net, 4, 4, 16, 2, false).predict(m, ch, nx, ny, nz);
    }

    @Test
    void shouldPredictIdenticallyAfterSaveAndLoad() throws IOException {
        float[][] before = saveRandomModel(tmp, ARCH, PreprocessOptions.isotropic(2));
        try (LoadedModel loaded = ModelArtifact.load(tmp, Device.cpu())) {
            assertThat(loaded.manifest().architecture()).isEqualTo(ARCH);
            assertThat(loaded.manifest().preprocessing()).isEqualTo(PreprocessOptions.isotropic(2));
            assertThat(loaded.manifest().metrics()).containsEntry("dice_WT", 0.5);
            float[][] after = predict(loaded.net(), loaded.model().getNDManager());
            for (int k = 0; k < 4; k++) {
                assertThat(after[k]).containsExactly(before[k]);
            }
            loaded.close();
            loaded.close(); // idempotent
            assertThat(loaded.isClosed()).isTrue();
        }
    }

    enum Breakage {
        NOT_A_DIRECTORY("no such model directory"),
        MISSING_MANIFEST("model.json: missing"),
        BAD_JSON("model.json: not valid JSON at line 1"),
        MISSING_FIELD("model.json: field architecture.depth is missing"),
        WRONG_TYPE("model.json: field architecture.baseWidth: expected an integer"),
        UNKNOWN_NORMALIZATION("model.json: field architecture.normalization: unknown normalization 'ln'"),
        BAD_SHA_FORMAT("model.json: field params.sha256: not 64 lowercase hex digits"),
        MISSING_PARAMS("unet.params: missing"),
        WRONG_SHA("does not match params.sha256"),
        TRUNCATED("does not match params.sha256"),
        TRUNCATED_WITH_MATCHING_SHA("does not fit the architecture in model.json"),
        DEEPER_ARCHITECTURE("does not fit the architecture in model.json (depth 3"),
        WIDER_ARCHITECTURE("does not fit the architecture in model.json (depth 2, base width 8"),
        OTHER_NORMALIZATION("does not fit the architecture in model.json (depth 2, base width 4, normalization none");

        final String message;

        Breakage(String message) {
            this.message = message;
        }
    }

    @ParameterizedTest
    @EnumSource(Breakage.class)
    void shouldExplainWhatIsWrongWithABrokenModelDirectory(Breakage b) throws IOException {
        Path dir = tmp.resolve("model");
        saveRandomModel(dir, ARCH, PreprocessOptions.onScanGrid());
        Path json = dir.resolve("model.json");
        Path params = dir.resolve("unet.params");
        ObjectNode root = (ObjectNode) JSON.readTree(json.toFile());
        ObjectNode arch = (ObjectNode) root.get("architecture");
        switch (b) {
            case NOT_A_DIRECTORY -> dir = tmp.resolve("nope");
            case MISSING_MANIFEST -> Files.delete(json);
            case BAD_JSON -> Files.writeString(json, "{ \"formatVersion\": 1, oops");
            case MISSING_FIELD -> arch.remove("depth");
            case WRONG_TYPE -> arch.put("baseWidth", "four");
            case UNKNOWN_NORMALIZATION -> arch.put("normalization", "ln");
            case BAD_SHA_FORMAT -> ((ObjectNode) root.get("params")).put("sha256", "xyz");
            case MISSING_PARAMS -> Files.delete(params);
            case WRONG_SHA -> ((ObjectNode) root.get("params")).put("sha256", "0".repeat(64));
            case TRUNCATED -> truncate(params);
            case TRUNCATED_WITH_MATCHING_SHA -> {
                truncate(params);
                ((ObjectNode) root.get("params")).put("sha256", ModelArtifact.sha256(params));
            }
            case DEEPER_ARCHITECTURE -> arch.put("depth", 3);
            case WIDER_ARCHITECTURE -> arch.put("baseWidth", 8);
            case OTHER_NORMALIZATION -> arch.put("normalization", "none");
        }
        if (b != Breakage.BAD_JSON && b != Breakage.MISSING_MANIFEST && b != Breakage.NOT_A_DIRECTORY) {
            JSON.writeValue(json.toFile(), root);
        }
        Path d = dir;
        assertThatThrownBy(() -> ModelArtifact.load(d, Device.cpu()).close())
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining(b.message);
    }

    private static void truncate(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(all, all.length / 2));
    }
}
