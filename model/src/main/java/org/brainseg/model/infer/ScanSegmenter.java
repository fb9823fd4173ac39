package org.brainseg.model.infer;

import java.nio.file.Path;
import org.brainseg.imaging.dataset.LoadedCase;
import org.brainseg.model.artifact.ModelArtifactException;
import org.brainseg.model.bundle.BundleReader;
import org.brainseg.model.bundle.BundleSegmenter;
import org.brainseg.model.engine.EngineSettings;

/**
 * A loaded model of either kind that segments one scan on its own grid: the native U-Net
 * ({@link Segmenter}) or a network trained elsewhere ({@link BundleSegmenter}). The caller owns it
 * and closes it (native memory). Not thread-safe.
 */
public interface ScanSegmenter extends AutoCloseable {
    /** @param tta average over test-time flips (refused where the model kind does not support it) */
    Segmentation segment(LoadedCase c, boolean tta);

    /** The model's name and version, as its events and the SEG name it. */
    String modelName();

    /** Lowercase hex sha256 of the weights file. */
    String modelSha256();

    /** Where inference runs, e.g. {@code cpu()} or {@code gpu(0)}. */
    String device();

    /** Whether {@link #segment} can average over test-time flips. */
    boolean supportsTta();

    @Override
    void close();

    /** Loads the model in {@code dir}: a MONAI bundle or bare TorchScript folder, else a native model directory. */
    static ScanSegmenter load(Path dir, EngineSettings settings) throws ModelArtifactException {
        return BundleReader.isBundle(dir) ? BundleSegmenter.load(dir, settings) : Segmenter.load(dir, settings);
    }
}
