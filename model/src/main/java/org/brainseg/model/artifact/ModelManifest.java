package org.brainseg.model.artifact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.imaging.io.JsonMappers;
import org.brainseg.imaging.labels.LabelConvention;
import org.brainseg.imaging.preprocess.PreprocessOptions;
import org.brainseg.model.net.UNetConfig;
import org.brainseg.schemas.Normalization;

/**
 * The contents of a model directory's {@code model.json}: everything needed to rebuild the network,
 * preprocess a scan the way the training data was, and check that the params file is the one
 * trained.
 *
 * @param name model name
 * @param architecture the U-Net's shape
 * @param patchSize edge of the cubic training patch and inference window, in voxels
 * @param preprocessing crop margin and target spacing (null spacing: the scan's own grid)
 * @param labelConvention convention of the network's class indices (internal)
 * @param trainingDataHash sha256 over the training and validation cases (ids and voxels), or "" if unknown
 * @param training free-form record of the training run (config, split, epochs)
 * @param metrics validation metrics of the kept checkpoint (e.g. {@code val_loss}, {@code dice_WT})
 * @param paramsFile file name of the DJL parameters, inside the model directory
 * @param paramsSha256 lowercase hex sha256 of the params file ("" before it is written)
 * @param createdAt ISO-8601 instant
 * @param engine the engine that trained it, e.g. {@code DJL 0.33.0 / PyTorch 2.5.1}
 */
public record ModelManifest(
        String name,
        UNetConfig architecture,
        int patchSize,
        PreprocessOptions preprocessing,
        LabelConvention labelConvention,
        String trainingDataHash,
        Map<String, Object> training,
        Map<String, Double> metrics,
        String paramsFile,
        String paramsSha256,
        String createdAt,
        String engine) {

    public static final String FILE_NAME = "model.json";
    public static final int FORMAT_VERSION = 1;
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern PLAIN_FILE = Pattern.compile("[A-Za-z0-9._-]+");
    static final ObjectMapper JSON = JsonMappers.plain();

    public ModelManifest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(preprocessing, "preprocessing");
        Objects.requireNonNull(labelConvention, "labelConvention");
        // Insertion-ordered copies (model.json reads better in a fixed order); training may hold nulls.
        training = training == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(training));
        metrics = metrics == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        trainingDataHash = trainingDataHash == null ? "" : trainingDataHash;
        paramsSha256 = paramsSha256 == null ? "" : paramsSha256;
        if (patchSize < 1) {
            throw new IllegalArgumentException("patchSize must be positive, got " + patchSize);
        }
        architecture.checkSpatialSize(patchSize, patchSize, patchSize);
        if (!PLAIN_FILE.matcher(paramsFile).matches()) {
            throw new IllegalArgumentException("params file must be a plain file name, got '" + paramsFile + "'");
        }
    }

    public ModelManifest withParamsSha256(String sha) {
        return new ModelManifest(name, architecture, patchSize, preprocessing, labelConvention, trainingDataHash,
                training, metrics, paramsFile, sha, createdAt, engine);
    }

    public ModelManifest withMetrics(Map<String, Double> newMetrics) {
        return new ModelManifest(name, architecture, patchSize, preprocessing, labelConvention, trainingDataHash,
                training, newMetrics, paramsFile, paramsSha256, createdAt, engine);
    }

    /** The manifest as model.json's tree. */
    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("formatVersion", FORMAT_VERSION);
        root.put("name", name);
        ObjectNode arch = root.putObject("architecture");
        arch.put("type", "unet3d");
        arch.put("inChannels", architecture.inChannels());
        arch.put("classes", architecture.classes());
        arch.put("depth", architecture.depth());
        arch.put("baseWidth", architecture.baseWidth());
        arch.put("normalization", architecture.normalization().wire());
        arch.put("activation", "leaky_relu(0.01)");
        arch.put("upsampling", "nearest repeat x2 + conv 1x1x1");
        ArrayNode patch = root.putArray("patchSize");
        patch.add(patchSize).add(patchSize).add(patchSize);
        root.put("labelConvention", labelConvention.id());
        ObjectNode pre = root.putObject("preprocessing");
        ArrayNode channels = pre.putArray("channels");
        for (Modality m : Modality.values()) {
            channels.add(m.key());
        }
        pre.put("crop", "nonzero bounding box of all modalities");
        pre.put("cropMargin", preprocessing.margin());
        pre.put("intensity", "z-score per modality inside the brain mask, 0 outside");
        double[] spacing = preprocessing.targetSpacing();
        if (spacing == null) {
            pre.putNull("spacingMm");
        } else {
            ArrayNode s = pre.putArray("spacingMm");
            for (double v : spacing) {
                s.add(v);
            }
        }
        pre.put("resampling", "trilinear for images, nearest for labels; outputs: trilinear probabilities");
        root.put("trainingDataHash", trainingDataHash);
        root.set("training", JSON.valueToTree(training));
        root.set("metrics", JSON.valueToTree(new LinkedHashMap<>(metrics)));
        ObjectNode params = root.putObject("params");
        params.put("file", paramsFile);
        params.put("sha256", paramsSha256);
        params.put("format", "DJL Block.saveParameters");
        root.put("createdAt", createdAt);
        root.put("engine", engine);
        return root;
    }

    /**
     * Reads a manifest from model.json's tree.
     *
     * @throws ModelArtifactException naming {@code file} and the field that is missing or wrong
     */
    public static ModelManifest fromJson(JsonNode root, Path file) throws ModelArtifactException {
        Fields f = new Fields(file);
        if (!root.isObject()) {
            throw new ModelArtifactException(file, "top level must be a JSON object");
        }
        int version = f.integer(root, "formatVersion");
        if (version != FORMAT_VERSION) {
            throw new ModelArtifactException(file, "field formatVersion: " + version + " is not supported (expected "
                    + FORMAT_VERSION + ")");
        }
        JsonNode arch = f.object(root, "architecture");
        String type = f.text(arch, "architecture.type");
        if (!type.equals("unet3d")) {
            throw new ModelArtifactException(file, "field architecture.type: '" + type + "' is not unet3d");
        }
        UNetConfig config;
        Normalization norm;
        try {
            norm = Normalization.parse(f.text(arch, "architecture.normalization"));
        } catch (IllegalArgumentException e) {
            throw new ModelArtifactException(file, "field architecture.normalization: " + e.getMessage());
        }
        try {
            config = new UNetConfig(f.integer(arch, "architecture.inChannels"), f.integer(arch, "architecture.classes"),
                    f.integer(arch, "architecture.depth"), f.integer(arch, "architecture.baseWidth"), norm);
        } catch (IllegalArgumentException e) {
            throw new ModelArtifactException(file, "field architecture: " + e.getMessage());
        }
        JsonNode patch = f.node(root, "patchSize");
        if (!patch.isArray() || patch.size() != 3 || !patch.get(0).canConvertToInt()
                || patch.get(0).asInt() != patch.get(1).asInt() || patch.get(0).asInt() != patch.get(2).asInt()) {
            throw new ModelArtifactException(file, "field patchSize: expected three equal integers, got " + patch);
        }
        LabelConvention convention;
        try {
            convention = LabelConvention.parse(f.text(root, "labelConvention"));
        } catch (IllegalArgumentException e) {
            throw new ModelArtifactException(file, "field labelConvention: " + e.getMessage());
        }
        JsonNode pre = f.object(root, "preprocessing");
        JsonNode spacingNode = f.node(pre, "preprocessing.spacingMm");
        double[] spacing = null;
        if (!spacingNode.isNull()) {
            if (!spacingNode.isArray() || spacingNode.size() != 3) {
                throw new ModelArtifactException(file, "field preprocessing.spacingMm: expected null or 3 numbers");
            }
            spacing = new double[3];
            for (int i = 0; i < 3; i++) {
                if (!spacingNode.get(i).isNumber()) {
                    throw new ModelArtifactException(file, "field preprocessing.spacingMm: expected numbers, got " + spacingNode);
                }
                spacing[i] = spacingNode.get(i).asDouble();
            }
        }
        PreprocessOptions options;
        try {
            options = new PreprocessOptions(f.integer(pre, "preprocessing.cropMargin"), spacing);
        } catch (IllegalArgumentException e) {
            throw new ModelArtifactException(file, "field preprocessing: " + e.getMessage());
        }
        JsonNode params = f.object(root, "params");
        String paramsFile = f.text(params, "params.file");
        String sha = f.text(params, "params.sha256");
        if (!SHA256.matcher(sha).matches()) {
            throw new ModelArtifactException(file, "field params.sha256: not 64 lowercase hex digits: '" + sha + "'");
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        JsonNode m = root.get("metrics");
        if (m != null && m.isObject()) {
            for (Map.Entry<String, JsonNode> e : m.properties()) {
                if (e.getValue().isNumber()) {
                    metrics.put(e.getKey(), e.getValue().asDouble());
                }
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> training = root.has("training") && root.get("training").isObject()
                ? JSON.convertValue(root.get("training"), Map.class)
                : Map.of();
        try {
            return new ModelManifest(f.text(root, "name"), config, patch.get(0).asInt(), options, convention,
                    root.path("trainingDataHash").asText(""), training, metrics, paramsFile, sha,
                    root.path("createdAt").asText(""), root.path("engine").asText(""));
        } catch (IllegalArgumentException e) {
            throw new ModelArtifactException(file, e.getMessage());
        }
    }

    /** Field readers whose errors name the field. */
    private record Fields(Path file) {
        JsonNode node(JsonNode parent, String path) throws ModelArtifactException {
            String key = path.substring(path.lastIndexOf('.') + 1);
            JsonNode n = parent.get(key);
            if (n == null) {
                throw new ModelArtifactException(file, "field " + path + " is missing");
            }
            return n;
        }

        JsonNode object(JsonNode parent, String path) throws ModelArtifactException {
            JsonNode n = node(parent, path);
            if (!n.isObject()) {
                throw new ModelArtifactException(file, "field " + path + ": expected an object, got " + n.getNodeType());
            }
            return n;
        }

        String text(JsonNode parent, String path) throws ModelArtifactException {
            JsonNode n = node(parent, path);
            if (!n.isTextual()) {
                throw new ModelArtifactException(file, "field " + path + ": expected a string, got " + n);
            }
            return n.asText();
        }

        int integer(JsonNode parent, String path) throws ModelArtifactException {
            JsonNode n = node(parent, path);
            if (!n.isIntegralNumber() || !n.canConvertToInt()) {
                throw new ModelArtifactException(file, "field " + path + ": expected an integer, got " + n);
            }
            return n.asInt();
        }
    }

    /** Channel order the network expects. */
    public static List<Modality> channels() {
        return Arrays.asList(Modality.values());
    }
}
