package org.brainseg.cli.command;

import java.nio.file.Path;
import org.brainseg.model.artifact.ModelArtifactException;
import org.brainseg.model.infer.ScanSegmenter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** How {@code segment} and {@code evaluate} run a model: {@code --tta}, {@code --device}, {@code --threads}. */
public final class InferenceOptions {
    @Option(names = "--tta", description = "Average over the 8 flips (test-time augmentation; 8x slower).")
    boolean tta;

    @Mixin
    EngineOptions engine;

    /** The model in {@code modelDir} (native, MONAI bundle or bare TorchScript), on the chosen device; the caller closes it. */
    ScanSegmenter load(Path modelDir) throws ModelArtifactException {
        return ScanSegmenter.load(modelDir, engine.settings());
    }
}
