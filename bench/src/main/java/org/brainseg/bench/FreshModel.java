package org.brainseg.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.brainseg.imaging.labels.LabelConvention;
import org.brainseg.imaging.preprocess.PreprocessOptions;
import org.brainseg.model.artifact.ModelArtifact;
import org.brainseg.model.artifact.ModelManifest;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.model.net.UNet3d;
import org.brainseg.model.net.UNetConfig;

/**
 * A freshly initialised (untrained, seeded) model directory for timing: a forward pass costs the
 * same whatever the weights, so the benchmarks need no training run.
 */
public final class FreshModel {
    /** The default architecture: depth 3, width 8, layer normalization. */
    public static final UNetConfig ARCHITECTURE = UNetConfig.defaults();
    public static final int PATCH = 64;

    private FreshModel() {}

    /** Writes a default-architecture model that resamples scans to {@code spacingMm} into {@code dir}. */
    public static Path save(Path dir, double spacingMm) throws IOException {
        EngineSettings.defaults().apply();
        Engine.getEngine(EngineSettings.ENGINE).setRandomSeed(1);
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), EngineSettings.ENGINE)) {
            UNet3d net = new UNet3d(ARCHITECTURE);
            net.initialize(m, DataType.FLOAT32, new Shape(1, ARCHITECTURE.inChannels(), PATCH, PATCH, PATCH));
            ModelArtifact.save(dir, net, new ModelManifest("bench-untrained", ARCHITECTURE, PATCH,
                    PreprocessOptions.isotropic(spacingMm), LabelConvention.INTERNAL, "", Map.of(), Map.of(),
                    ModelArtifact.PARAMS_FILE, "", "", ""));
        }
        return dir;
    }

    /** One line saying what a fresh model is, for the benchmarks' output. */
    public static String describe(double spacingMm) {
        return String.format(java.util.Locale.ROOT, "freshly initialised default model (depth %d, width %d, %s, patch %d, %s mm; "
                + "untrained: timing does not depend on the weights)", ARCHITECTURE.depth(), ARCHITECTURE.baseWidth(),
                ARCHITECTURE.normalization(), PATCH, spacingMm);
    }
}
