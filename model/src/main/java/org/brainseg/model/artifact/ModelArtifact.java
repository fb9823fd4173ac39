package org.brainseg.model.artifact;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.brainseg.imaging.io.AtomicWrite;
import org.brainseg.imaging.io.Sha256;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.model.net.UNet3d;
import org.brainseg.model.net.UNetConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model version on disk: a directory with the network's parameters (DJL's
 * {@code Block.saveParameters} format, {@code unet.params}) and {@code model.json}
 * ({@link ModelManifest}), which records the architecture and the params file's sha256.
 *
 * <p>{@link #save} writes each file under a temporary name and renames it into place.
 * {@link #load} checks, in order: the directory, model.json (valid JSON, every field), the params
 * file's presence and sha256, and that the params fit the architecture (names, count and shape of
 * every parameter). Any failure is a {@link ModelArtifactException} naming the file and field;
 * nothing native is left allocated.
 */
public final class ModelArtifact {
    /** Default name of the params file. */
    public static final String PARAMS_FILE = "unet.params";
    private static final Logger LOG = LoggerFactory.getLogger(ModelArtifact.class);

    private ModelArtifact() {}

    /**
     * Writes {@code net}'s parameters and the manifest (with the params' sha256 filled in) to {@code dir}.
     *
     * @return the manifest as written
     */
    public static ModelManifest save(Path dir, UNet3d net, ModelManifest manifest) throws IOException {
        Path params = dir.resolve(manifest.paramsFile());
        AtomicWrite.write(params, tmp -> {
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
                net.saveParameters(out);
            }
        });
        ModelManifest written = manifest.withParamsSha256(sha256(params));
        AtomicWrite.write(dir.resolve(ModelManifest.FILE_NAME),
                tmp -> ModelManifest.JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), written.toJson()));
        LOG.debug("saved model {} to {}", written.name(), dir);
        return written;
    }

    /** Reads and validates model.json alone (no engine needed). */
    public static ModelManifest readManifest(Path dir) throws ModelArtifactException {
        if (!Files.isDirectory(dir)) {
            throw new ModelArtifactException(dir, Files.exists(dir) ? "not a directory" : "no such model directory");
        }
        Path json = dir.resolve(ModelManifest.FILE_NAME);
        if (!Files.isRegularFile(json)) {
            throw new ModelArtifactException(json, "missing: a model directory needs " + ModelManifest.FILE_NAME);
        }
        JsonNode root;
        try {
            root = ModelManifest.JSON.readTree(json.toFile());
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new ModelArtifactException(json, "not valid JSON" + where + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ModelArtifactException(json, "unreadable: " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new ModelArtifactException(json, "empty file");
        }
        return ModelManifest.fromJson(root, json);
    }

    /** Verifies a model directory and loads it onto the device of {@code settings}. */
    public static LoadedModel load(Path dir, EngineSettings settings) throws ModelArtifactException {
        return load(dir, settings.apply());
    }

    /** Verifies a model directory and loads it onto {@code device}. */
    public static LoadedModel load(Path dir, Device device) throws ModelArtifactException {
        ModelManifest manifest = readManifest(dir);
        Path params = verifiedParams(dir, manifest);
        UNetConfig arch = manifest.architecture();
        UNet3d net = new UNet3d(arch);
        Model model = Model.newInstance(manifest.name(), device, EngineSettings.ENGINE);
        boolean ok = false;
        try {
            model.setBlock(net);
            int p = manifest.patchSize();
            net.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, arch.inChannels(), p, p, p));
            Map<String, Shape> expected = new LinkedHashMap<>();
            for (Pair<String, Parameter> e : net.getParameters()) {
                expected.put(e.getKey(), e.getValue().getArray().getShape());
            }
            readParams(params, net, model, arch);
            for (Pair<String, Parameter> e : net.getParameters()) {
                Shape s = e.getValue().getArray().getShape();
                if (!s.equals(expected.get(e.getKey()))) {
                    throw new ModelArtifactException(params, "does not fit the architecture in model.json ("
                            + describe(arch) + "): parameter " + e.getKey() + " has shape " + s + ", expected "
                            + expected.get(e.getKey()));
                }
            }
            ok = true;
            LOG.debug("loaded model {} ({}) from {} on {}", manifest.name(), describe(arch), dir, device);
            return new LoadedModel(model, net, manifest);
        } finally {
            if (!ok) {
                model.close();
            }
        }
    }

    /**
     * Overwrites the parameters of an initialized {@code net} with those of the model in {@code dir}
     * (fine-tuning starts from them). The model must have the same architecture.
     *
     * @return the manifest of the model the weights came from
     * @throws ModelArtifactException if the model is unreadable, corrupt or of another architecture
     */
    public static ModelManifest loadWeightsInto(Path dir, UNet3d net, Model model) throws ModelArtifactException {
        ModelManifest manifest = readManifest(dir);
        Path params = verifiedParams(dir, manifest);
        if (!manifest.architecture().equals(net.config())) {
            throw new ModelArtifactException(dir.resolve(ModelManifest.FILE_NAME), "is a " + describe(manifest.architecture())
                    + " network; cannot start a " + describe(net.config()) + " network from its weights");
        }
        readParams(params, net, model, net.config());
        // Loading replaces each parameter's array with one that autograd does not track; training needs it tracked.
        for (Pair<String, Parameter> e : net.getParameters()) {
            if (e.getValue().requiresGradient()) {
                e.getValue().getArray().setRequiresGradient(true);
            }
        }
        return manifest;
    }

    /** The parameter file of a model directory, checked against the sha256 in its model.json. */
    private static Path verifiedParams(Path dir, ModelManifest manifest) throws ModelArtifactException {
        Path params = dir.resolve(manifest.paramsFile());
        if (!Files.isRegularFile(params)) {
            throw new ModelArtifactException(params, "missing: model.json names it in params.file");
        }
        String actual;
        try {
            actual = sha256(params);
        } catch (IOException e) {
            throw new ModelArtifactException(params, "unreadable: " + e.getMessage(), e);
        }
        if (!actual.equals(manifest.paramsSha256())) {
            throw new ModelArtifactException(params, "sha256 " + actual + " does not match params.sha256 "
                    + manifest.paramsSha256() + " in model.json (corrupt, truncated or replaced file)");
        }
        return params;
    }

    private static void readParams(Path params, UNet3d net, Model model, UNetConfig arch) throws ModelArtifactException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(params), 1 << 16))) {
            net.loadParameters(model.getNDManager(), in);
            if (in.read() != -1) {
                throw new ModelArtifactException(params, "does not fit the architecture in model.json ("
                        + describe(arch) + "): bytes left after the last parameter");
            }
        } catch (ModelArtifactException e) {
            throw e;
        } catch (IOException | MalformedModelException | RuntimeException e) {
            // EOF, unknown parameter names, shape errors in the engine: all mean "not this network".
            throw new ModelArtifactException(params, "does not fit the architecture in model.json (" + describe(arch)
                    + "): " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        }
    }

    static String describe(UNetConfig a) {
        return "depth " + a.depth() + ", base width " + a.baseWidth() + ", normalization " + a.normalization().wire();
    }

    /** The quality profile's file name (org.brainseg.model.quality.QualityProfile). */
    public static final String QUALITY_FILE = "quality.json";

    /** Lowercase hex sha256 of a file. */
    public static String sha256(Path file) throws IOException {
        return Sha256.ofFile(file);
    }

    /**
     * Copies {@code dir}'s model files into {@code target} (for publishing a version elsewhere): the
     * parameters, model.json and, when there is one, the quality profile (quality.json).
     */
    public static void copy(Path dir, Path target) throws IOException {
        ModelManifest m = readManifest(dir);
        Files.createDirectories(target);
        List<String> names = new ArrayList<>(List.of(m.paramsFile(), ModelManifest.FILE_NAME));
        if (Files.isRegularFile(dir.resolve(QUALITY_FILE))) {
            names.add(QUALITY_FILE);
        }
        for (String name : names) {
            try (InputStream in = Files.newInputStream(dir.resolve(name));
                    OutputStream out = Files.newOutputStream(target.resolve(name))) {
                in.transferTo(out);
            }
        }
    }
}
