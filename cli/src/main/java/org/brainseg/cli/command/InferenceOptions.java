package org.brainseg.cli.command;

import java.nio.file.Path;
import org.brainseg.model.artifact.ModelArtifactException;
import org.brainseg.model.infer.Segmenter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** How {@code segment} and {@code evaluate} run a model: {@code --tta}, {@code --device}, {@code --threads}. */
public final class InferenceOptions {
    @Option(names = "--tta", description = "Average over the 8 flips (test-time augmentation; 8x slower).")
    boolean tta;

    @Mixin
    EngineOptions engine;

    /** The model in {@code modelDir}, loaded on the chosen device; the caller closes it. */
    Segmenter load(Path modelDir) throws ModelArtifactException {
        return Segmenter.load(modelDir, engine.settings());
    }
}
