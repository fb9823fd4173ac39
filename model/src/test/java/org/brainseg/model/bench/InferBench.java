package org.brainseg.model.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.brainseg.imaging.labels.LabelConvention;
import org.brainseg.imaging.preprocess.PreprocessOptions;
import org.brainseg.model.Phantoms;
import org.brainseg.model.artifact.ModelArtifact;
import org.brainseg.model.artifact.ModelManifest;
import org.brainseg.model.engine.DeviceChoice;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.model.infer.Segmentation;
import org.brainseg.model.infer.Segmenter;
import org.brainseg.model.net.Normalization;
import org.brainseg.model.net.UNet3d;
import org.brainseg.model.net.UNetConfig;

/**
 * Manual benchmark of whole-case inference on a BraTS-sized phantom (240 x 240 x 155 at 1 mm):
 * args spacingMm (0 = native) patch width depth threads [tta].
 */
public final class InferBench {
    public static void main(String[] args) throws Exception {
        double spacing = Double.parseDouble(args[0]);
        int patch = Integer.parseInt(args[1]);
        int width = Integer.parseInt(args[2]);
        int depth = Integer.parseInt(args[3]);
        int threads = Integer.parseInt(args[4]);
        boolean tta = args.length > 5 && Boolean.parseBoolean(args[5]);
        EngineSettings settings = EngineSettings.of(DeviceChoice.CPU, threads);
        settings.apply();
        Path dir = Files.createTempDirectory("inferbench");
        UNetConfig arch = UNetConfig.brats(depth, width, Normalization.LAYER);
        Engine.getInstance().setRandomSeed(1);
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            UNet3d net = new UNet3d(arch);
            net.initialize(m, DataType.FLOAT32, new Shape(1, 4, patch, patch, patch));
            ModelArtifact.save(dir, net, new ModelManifest("bench", arch, patch,
                    spacing > 0 ? PreprocessOptions.isotropic(spacing) : PreprocessOptions.onScanGrid(),
                    LabelConvention.INTERNAL, "", Map.of(), Map.of(), ModelArtifact.PARAMS_FILE, "", "", ""));
        }
        Phantoms.Scan cube = Phantoms.scan("brats-size", 240, 1.0, 1, 0.1);
        // Cut to 240 x 240 x 155 like a BraTS case.
        org.brainseg.imaging.Volume[] ch = new org.brainseg.imaging.Volume[4];
        for (int c = 0; c < 4; c++) {
            ch[c] = org.brainseg.imaging.preprocess.Preprocessor.crop(cube.channels()[c],
                    new org.brainseg.imaging.preprocess.BoundingBox(0, 0, 42, 240, 240, 197));
        }
        try (Segmenter s = Segmenter.load(dir, settings)) {
            s.segment("warmup", ch, false);
            long t0 = System.nanoTime();
            Segmentation seg = s.segment("case", ch, tta);
            System.out.printf("spacing %s patch %d width %d depth %d threads %d tta %s: total %.1f s (preprocess %d ms, "
                    + "infer %d ms, postprocess %d ms)%n", spacing > 0 ? spacing + " mm" : "native", patch, width, depth,
                    threads, tta, (System.nanoTime() - t0) / 1e9, seg.preprocessMs(), seg.inferenceMs(), seg.postprocessMs());
        }
    }
}
