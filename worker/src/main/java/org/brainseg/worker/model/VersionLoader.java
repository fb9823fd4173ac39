package org.brainseg.worker.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.brainseg.imaging.Affine;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.preprocess.PreprocessedCase;
import org.brainseg.imaging.preprocess.Preprocessor;
import org.brainseg.model.artifact.LoadedModel;
import org.brainseg.model.artifact.ModelArtifact;
import org.brainseg.model.artifact.ModelArtifactException;
import org.brainseg.model.artifact.ModelManifest;
import org.brainseg.model.bundle.BundleContract;
import org.brainseg.model.bundle.BundleException;
import org.brainseg.model.bundle.BundleImport;
import org.brainseg.model.bundle.BundleSegmenter;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.model.infer.Segmenter;
import org.brainseg.model.net.UNetConfig;
import org.brainseg.model.quality.QualityProfile;
import org.brainseg.schemas.ModelVersionPublished;

/**
 * Turns a published model version into a {@link ServingModel}, or refuses it. In order: the
 * artifact directory must lie inside the registry; its model.json must describe the architecture
 * and normalization the event announces; the params file's SHA-256 must be the event's; the
 * model must load (which checks the params against model.json); and a warm-up inference on a
 * small synthetic scan must give finite class probabilities. Any failure is a
 * {@link ModelRefusedException} with the reason, and nothing native stays allocated.
 *
 * <p>An imported version (family {@value ModelVersionPublished#IMPORTED_FAMILY}) is checked the
 * same way against what it is: every file against its import manifest's SHA-256, the TorchScript's
 * against the event's, the bundle's contract read again, the network loaded and probed with one
 * window (finite outputs of the stated shape), and its channels, outputs and window against the
 * event's architecture.
 *
 * <p>Runs on the model follower's thread, never on an inference thread: a slow load delays the
 * swap, not the scans.
 */
public final class VersionLoader {
    /** The architecture family model.json calls {@code unet3d}. */
    public static final String FAMILY = ModelVersionPublished.NATIVE_FAMILY;

    private final RegistryRoot registry;
    private final EngineSettings engine;

    public VersionLoader(RegistryRoot registry, EngineSettings engine) {
        this.registry = registry;
        this.engine = engine;
    }

    /**
     * Loads, verifies and warms up {@code v}; the caller owns the returned model.
     *
     * @throws ModelRefusedException with the reason it cannot be served
     */
    public ServingModel load(ModelVersionPublished v) throws ModelRefusedException {
        Path dir = registry.resolve(v.artifactUri());
        if (ModelVersionPublished.IMPORTED_FAMILY.equals(v.architecture().family())) {
            return loadImported(v, dir);
        }
        ModelManifest manifest;
        try {
            manifest = ModelArtifact.readManifest(dir);
        } catch (ModelArtifactException e) {
            throw new ModelRefusedException(e.getMessage(), e);
        }
        checkArchitecture(v, manifest);
        Path params = dir.resolve(manifest.paramsFile());
        if (!Files.isRegularFile(params)) {
            throw new ModelRefusedException(params + ": missing (model.json names it in params.file)");
        }
        String actual;
        try {
            actual = ModelArtifact.sha256(params);
        } catch (IOException e) {
            throw new ModelRefusedException(params + ": unreadable: " + e.getMessage(), e);
        }
        if (!actual.equals(v.sha256())) {
            throw new ModelRefusedException(params + ": sha256 " + actual + " does not match the event's sha256 "
                    + v.sha256() + " (corrupt, truncated or replaced file, or a wrong event)");
        }
        LoadedModel loaded;
        try {
            loaded = ModelArtifact.load(dir, engine);
        } catch (ModelArtifactException e) {
            throw new ModelRefusedException(e.getMessage(), e);
        }
        Segmenter segmenter = new Segmenter(loaded, Segmenter.DEFAULT_WINDOW_BATCH);
        boolean ok = false;
        try {
            warmUp(segmenter);
            ServingModel m = new ServingModel(segmenter, v.version(), v.modelRef(), quality(dir));
            ok = true;
            return m;
        } finally {
            if (!ok) {
                segmenter.close();
            }
        }
    }

    private ServingModel loadImported(ModelVersionPublished v, Path dir) throws ModelRefusedException {
        BundleImport.Manifest manifest;
        try {
            manifest = BundleImport.verify(dir);
        } catch (BundleException e) {
            throw new ModelRefusedException(e.getMessage(), e);
        }
        String sha = manifest.files().get(manifest.modelFile());
        if (!v.sha256().equals(sha)) {
            throw new ModelRefusedException(dir.resolve(manifest.modelFile()) + ": sha256 " + sha
                    + " does not match the event's sha256 " + v.sha256() + " (a wrong event or a replaced network)");
        }
        BundleSegmenter segmenter;
        try {
            segmenter = BundleSegmenter.load(dir, engine); // probes one window: finite outputs of the stated shape
        } catch (BundleException e) {
            throw new ModelRefusedException(e.getMessage(), e);
        }
        List<String> diffs = new ArrayList<>();
        BundleContract c = segmenter.contract();
        ModelVersionPublished.Architecture e = v.architecture();
        compare(diffs, "inChannels", c.channels().size(), e.inChannels());
        compare(diffs, "numClasses", Math.max(2, c.output().channels()), e.numClasses());
        List<Integer> roi = List.of(c.window().roi()[0], c.window().roi()[1], c.window().roi()[2]);
        if (!roi.equals(e.patchSize())) {
            diffs.add("patchSize " + roi + " (event: " + e.patchSize() + ")");
        }
        if (!diffs.isEmpty()) {
            segmenter.close();
            throw new ModelRefusedException("the bundle does not describe the network the event announces: "
                    + String.join(", ", diffs));
        }
        try {
            return new ServingModel(segmenter, v.version(), v.modelRef(), quality(dir));
        } catch (ModelRefusedException x) {
            segmenter.close();
            throw x;
        }
    }

    /** The version's quality profile (quality.json), null when it has none; refused when unreadable. */
    private static QualityProfile quality(Path dir) throws ModelRefusedException {
        try {
            return QualityProfile.read(dir);
        } catch (IOException e) {
            throw new ModelRefusedException(e.getMessage(), e);
        }
    }

    /** Refuses a model.json that is not the network the event announces. */
    static void checkArchitecture(ModelVersionPublished v, ModelManifest m) throws ModelRefusedException {
        ModelVersionPublished.Architecture e = v.architecture();
        UNetConfig a = m.architecture();
        List<String> diffs = new ArrayList<>();
        if (!e.family().equals(FAMILY)) {
            diffs.add("family " + FAMILY + " (event: " + e.family() + ")");
        }
        compare(diffs, "depth", a.depth(), e.depth());
        compare(diffs, "baseWidth", a.baseWidth(), e.baseWidth());
        compare(diffs, "inChannels", a.inChannels(), e.inChannels());
        compare(diffs, "classes", a.classes(), e.numClasses());
        List<Integer> patch = List.of(m.patchSize(), m.patchSize(), m.patchSize());
        if (!patch.equals(e.patchSize())) {
            diffs.add("patchSize " + patch + " (event: " + e.patchSize() + ")");
        }
        if (a.normalization() != v.normalization()) {
            diffs.add("normalization " + a.normalization().wire() + " (event: " + v.normalization().wire() + ")");
        }
        if (!diffs.isEmpty()) {
            throw new ModelRefusedException("model.json does not describe the network the event announces: "
                    + String.join(", ", diffs));
        }
    }

    private static void compare(List<String> diffs, String field, int manifest, int event) {
        if (manifest != event) {
            diffs.add(field + " " + manifest + " (event: " + event + ")");
        }
    }

    /**
     * One inference on a synthetic scan of one patch at the model's spacing (a noisy ellipsoid
     * in four channels): loads the engine's kernels before the first real scan, and refuses a
     * model whose forward pass fails or gives non-finite probabilities.
     */
    static void warmUp(Segmenter segmenter) throws ModelRefusedException {
        ModelManifest m = segmenter.manifest();
        int n = m.patchSize();
        double[] spacing = m.preprocessing().targetSpacing();
        Affine affine = spacing == null ? Affine.identity() : Affine.scaling(spacing[0], spacing[1], spacing[2]);
        int channels = m.architecture().inChannels();
        Volume[] scan = new Volume[channels];
        SplittableRandom random = new SplittableRandom(42);
        for (int c = 0; c < channels; c++) {
            float[] data = new float[n * n * n];
            for (int k = 0; k < n; k++) {
                for (int j = 0; j < n; j++) {
                    for (int i = 0; i < n; i++) {
                        double x = (i - n / 2.0) / (0.4 * n);
                        double y = (j - n / 2.0) / (0.35 * n);
                        double z = (k - n / 2.0) / (0.3 * n);
                        if (x * x + y * y + z * z <= 1) {
                            data[i + n * (j + n * k)] = (float) (100 + 20 * c + 10 * random.nextGaussian());
                        }
                    }
                }
            }
            scan[c] = new Volume(n, n, n, data, affine);
        }
        float[][] probabilities;
        try {
            PreprocessedCase p = new Preprocessor(m.preprocessing()).apply("warm-up", scan, null);
            probabilities = segmenter.predictProbabilities(p, false);
        } catch (RuntimeException e) {
            throw new ModelRefusedException("warm-up inference failed: " + e, e);
        }
        for (float[] cls : probabilities) {
            for (float q : cls) {
                if (!Float.isFinite(q)) {
                    throw new ModelRefusedException("warm-up inference gave non-finite class probabilities (" + q
                            + "): the parameters are not usable");
                }
            }
        }
    }
}
