package org.brainseg.model.infer;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.dataset.LoadedCase;
import org.brainseg.imaging.preprocess.PreprocessedCase;
import org.brainseg.imaging.preprocess.Preprocessor;
import org.brainseg.model.artifact.LoadedModel;
import org.brainseg.model.artifact.ModelArtifact;
import org.brainseg.model.artifact.ModelArtifactException;
import org.brainseg.model.artifact.ModelManifest;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.model.net.UNetConfig;

/**
 * Segments scans with one loaded model version: preprocess as the model was trained (crop,
 * z-score, resample), sliding-window inference, then the probabilities back on the scan's grid and
 * the argmax as the mask, with tumour volumes.
 *
 * <p>Thread-safe: several threads may call {@link #segment} at once; each call has its own
 * NDManager and ParameterStore over the shared, read-only parameters (the per-thread forward
 * wrapper in place of a DJL Predictor). The segmenter owns the model: {@link #close()}
 * (idempotent) frees its native memory; close it only when no call is in flight.
 */
public final class Segmenter implements ScanSegmenter {
    /** Windows per forward pass by default: enough to amortize the call, small enough for CPU caches. */
    public static final int DEFAULT_WINDOW_BATCH = 2;

    private final LoadedModel model;
    private final Preprocessor preprocessor;
    private final int windowBatch;

    public Segmenter(LoadedModel model, int windowBatch) {
        this.model = model;
        this.preprocessor = new Preprocessor(model.manifest().preprocessing());
        this.windowBatch = windowBatch;
    }

    /** Loads and verifies a model directory. */
    public static Segmenter load(Path modelDir, EngineSettings settings) throws ModelArtifactException {
        return new Segmenter(ModelArtifact.load(modelDir, settings), DEFAULT_WINDOW_BATCH);
    }

    public ModelManifest manifest() {
        return model.manifest();
    }

    public LoadedModel model() {
        return model;
    }

    /** Segments a loaded case (its labels, if any, are ignored). */
    public Segmentation segment(LoadedCase c, boolean tta) {
        return segment(c.id(), c.channels(), tta);
    }

    /**
     * Segments four co-registered volumes (T1, T1ce, T2, FLAIR).
     *
     * @return the mask on the grid of {@code channels}, with volumes in mL
     */
    public Segmentation segment(String id, Volume[] channels, boolean tta) {
        if (model.isClosed()) {
            throw new IllegalStateException("segmenter is closed");
        }
        if (channels.length != model.manifest().architecture().inChannels()) {
            throw new IllegalArgumentException("expected " + model.manifest().architecture().inChannels()
                    + " channels (T1, T1ce, T2, FLAIR), got " + channels.length);
        }
        long t0 = System.nanoTime();
        Volume[] copies = new Volume[channels.length];
        for (int c = 0; c < channels.length; c++) {
            copies[c] = channels[c].copy(); // preprocessing normalizes in place
        }
        PreprocessedCase p = preprocessor.apply(id, copies, null);
        long t1 = System.nanoTime();
        float[][] probs = predictProbabilities(p, tta);
        requireFinite(id, probs);
        long t2 = System.nanoTime();
        Volume mask = Preprocessor.restoreFromProbabilities(probs, p.geometry());
        long t3 = System.nanoTime();
        return new Segmentation(mask, TumourVolumes.of(mask), ms(t1 - t0), ms(t2 - t1), ms(t3 - t2));
    }

    /** Class probabilities on the preprocessed grid of {@code p}. */
    public float[][] predictProbabilities(PreprocessedCase p, boolean tta) {
        UNetConfig arch = model.manifest().architecture();
        SlidingWindow window = new SlidingWindow(model.net(), arch.inChannels(), arch.classes(),
                model.manifest().patchSize(), windowBatch, tta);
        float[][] channels = new float[p.channels().length][];
        for (int c = 0; c < channels.length; c++) {
            channels[c] = p.channels()[c].data();
        }
        NDManager manager = model.model().getNDManager();
        return window.predict(manager, channels, p.nx(), p.ny(), p.nz());
    }

    /**
     * @throws NonFiniteOutputException when any probability is NaN or infinite (a broken model or
     *     wrong native numbers), naming how many
     */
    static void requireFinite(String id, float[][] probs) {
        long bad = 0;
        long total = 0;
        for (float[] channel : probs) {
            total += channel.length;
            for (float v : channel) {
                if (!Float.isFinite(v)) {
                    bad++;
                }
            }
        }
        if (bad > 0) {
            throw new NonFiniteOutputException(id + ": the network gave " + bad + " non-finite class probabilities of "
                    + total + " (NaN or infinity); no mask is made. Run 'brainseg doctor' on this machine and check the "
                    + "model version");
        }
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    @Override
    public String modelName() {
        return manifest().name();
    }

    @Override
    public String modelSha256() {
        return manifest().paramsSha256();
    }

    @Override
    public String device() {
        return model().device().toString();
    }

    @Override
    public boolean supportsTta() {
        return true;
    }

    @Override
    public void close() {
        model.close();
    }
}
