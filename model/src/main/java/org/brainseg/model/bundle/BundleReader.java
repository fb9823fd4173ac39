package org.brainseg.model.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.imaging.io.JsonMappers;
import org.brainseg.imaging.labels.Region;
import org.brainseg.imaging.labels.TumourLabel;

/**
 * Reads what brainseg needs to serve a network trained elsewhere, from the folder as its authors
 * ship it, and refuses what it cannot know.
 *
 * <p>Two layouts. A MONAI bundle: {@code configs/metadata.json} (name, version, description,
 * intended use, and {@code network_data_format}: the inputs' {@code num_channels} and
 * {@code channel_def}, the outputs' likewise), {@code configs/inference.json} (only the plain
 * literals of {@code NormalizeIntensityd}, {@code Spacingd.pixdim}, {@code SlidingWindowInferer}'s
 * {@code roi_size}/{@code overlap}/{@code sw_batch_size}/{@code mode}, {@code Activationsd} and
 * {@code AsDiscreted}; a {@code $} expression or {@code @} reference is never evaluated, it counts as
 * not stated) and {@code models/model.ts}. Or a bare folder: {@code model.ts} and the override file.
 * The override file {@value #OVERRIDE_FILE} beside them states what the bundle does not, or states it
 * differently; its values win. What is still unknown is refused with a message naming the field.
 * An argument a bundle leaves out takes MONAI's documented default (overlap 0.25, window batch 1,
 * blend constant), because that is what the bundle's own pipeline does.
 */
public final class BundleReader {
    /** The override file, beside {@code configs/} or {@code model.ts}. */
    public static final String OVERRIDE_FILE = "brainseg-bundle.json";
    /** The TorchScript file of a MONAI bundle, relative to its root. */
    public static final Path BUNDLE_MODEL = Path.of("models", "model.ts");
    /** The TorchScript file of a bare folder. */
    public static final Path BARE_MODEL = Path.of("model.ts");
    private static final ObjectMapper JSON = JsonMappers.plain();

    private BundleReader() {}

    /** Whether {@code dir} looks like a bundle or a bare TorchScript folder (rather than a native model). */
    public static boolean isBundle(Path dir) {
        return Files.isDirectory(dir.resolve("configs")) || Files.isRegularFile(dir.resolve(BARE_MODEL));
    }

    /** The TorchScript file of the folder (a bundle's {@code models/model.ts} or a bare {@code model.ts}). */
    public static Path modelFile(Path dir) {
        return Files.isDirectory(dir.resolve("configs")) ? dir.resolve(BUNDLE_MODEL) : dir.resolve(BARE_MODEL);
    }

    /**
     * Reads the contract of the bundle or bare folder {@code dir}. A network that states no name
     * is named by its import manifest (a registry copy) or else by its folder.
     */
    public static BundleContract read(Path dir) throws BundleException {
        String name = dir.toAbsolutePath().normalize().getFileName().toString();
        if (BundleImport.isImported(dir)) {
            name = BundleImport.read(dir).name();
        }
        return read(dir, name);
    }

    /** {@link #read(Path)}, naming a network that states no name {@code defaultName}. */
    public static BundleContract read(Path dir, String defaultName) throws BundleException {
        if (!Files.isDirectory(dir)) {
            throw new BundleException(dir, "", "not a directory");
        }
        boolean bundle = Files.isDirectory(dir.resolve("configs"));
        Path model = modelFile(dir);
        if (!Files.isRegularFile(model)) {
            throw new BundleException(model, "", "missing: the network as TorchScript ("
                    + (bundle ? "a MONAI bundle keeps it in models/model.ts" : "a bare folder needs model.ts") + ")");
        }
        Fields f = new Fields();
        if (bundle) {
            Path metadata = dir.resolve("configs").resolve("metadata.json");
            if (!Files.isRegularFile(metadata)) {
                throw new BundleException(metadata, "", "missing: a MONAI bundle describes its network there");
            }
            metadata(metadata, parse(metadata), f);
            Path inference = dir.resolve("configs").resolve("inference.json");
            if (Files.isRegularFile(inference)) {
                inference(inference, parse(inference), f);
            }
        }
        Path override = dir.resolve(OVERRIDE_FILE);
        if (Files.isRegularFile(override)) {
            override(override, parse(override), f);
        }
        if (f.name == null) {
            f.name = defaultName;
        }
        return f.contract(bundle ? dir.resolve("configs") : override);
    }

    /** What has been stated so far; null where nothing has. */
    private static final class Fields {
        String name;
        String version;
        String description;
        String intendedUse;
        List<Modality> channels;
        Integer inputChannels;
        BundleContract.Intensity intensity;
        boolean spacingStated;
        double[] spacing;
        int[] roi;
        Double overlap;
        BundleContract.Blend blend;
        Integer batch;
        String activation; // sigmoid | softmax
        Double threshold;
        List<String> outputNames;
        Integer outputChannels;

        BundleContract contract(Path where) throws BundleException {
            require(where, channels, "channels (metadata.json network_data_format.inputs.*.channel_def, or the override file)");
            if (inputChannels != null && inputChannels != channels.size()) {
                throw new BundleException(where, "num_channels", "the input has " + inputChannels + " channels but channel_def names "
                        + channels.size());
            }
            require(where, intensity, "intensity (inference.json NormalizeIntensityd, or the override file)");
            if (!spacingStated) {
                // a bundle without Spacingd runs on the scan's grid; a bare folder must say
                throw new BundleException(where, "spacingMm", "not stated: give the voxel size in mm or \"scan\" in the override file");
            }
            require(where, roi, "window.roi (inference.json SlidingWindowInferer roi_size, or the override file)");
            require(where, activation, "output.kind (inference.json Activationsd sigmoid/softmax, or the override file)");
            require(where, outputNames, "output channels (metadata.json network_data_format.outputs.*.channel_def, or the override file)");
            if (outputChannels != null && outputChannels != outputNames.size()) {
                throw new BundleException(where, "num_channels", "the output has " + outputChannels + " channels but channel_def names "
                        + outputNames.size());
            }
            BundleContract.Output output;
            try {
                output = activation.equals("sigmoid")
                        ? new BundleContract.SigmoidRegions(regions(where, outputNames), threshold == null ? 0.5 : threshold)
                        : new BundleContract.SoftmaxLabels(labels(where, outputNames));
                return new BundleContract(name, version == null ? "unversioned" : version, description, intendedUse, channels,
                        intensity, spacing, new BundleContract.Window(roi, overlap == null ? 0.25 : overlap,
                                blend == null ? BundleContract.Blend.CONSTANT : blend, batch == null ? 1 : batch), output);
            } catch (IllegalArgumentException e) {
                throw new BundleException(where, "", e.getMessage());
            }
        }
    }

    private static void metadata(Path file, JsonNode root, Fields f) throws BundleException {
        f.name = text(root, "name");
        f.version = text(root, "version");
        f.description = text(root, "description");
        f.intendedUse = text(root, "intended_use");
        JsonNode format = root.path("network_data_format");
        JsonNode input = first(format.path("inputs"));
        if (input != null) {
            f.inputChannels = integer(file, input, "num_channels");
            List<String> names = channelDef(file, input);
            if (names != null) {
                f.channels = modalities(file, names);
            }
        }
        JsonNode output = first(format.path("outputs"));
        if (output != null) {
            f.outputChannels = integer(file, output, "num_channels");
            f.outputNames = channelDef(file, output);
        }
    }

    private static void inference(Path file, JsonNode root, Fields f) throws BundleException {
        boolean spacingd = false;
        for (JsonNode t : transforms(root.path("preprocessing"))) {
            switch (t.path("_target_").asText("")) {
                case "NormalizeIntensityd" -> {
                    Boolean nonzero = bool(t, "nonzero");
                    Boolean channelWise = bool(t, "channel_wise");
                    if (Boolean.TRUE.equals(nonzero) && Boolean.TRUE.equals(channelWise)) {
                        f.intensity = BundleContract.Intensity.NONZERO_CHANNEL_WISE;
                    } else {
                        throw new BundleException(file, "NormalizeIntensityd", "only nonzero=true with channel_wise=true is "
                                + "supported; state the normalization in " + OVERRIDE_FILE + " if the network was trained otherwise");
                    }
                }
                case "Spacingd" -> {
                    spacingd = true;
                    f.spacing = doubles(t.get("pixdim"), 3); // null: an expression, refused unless the override states it
                    f.spacingStated = f.spacing != null;
                }
                default -> { }
            }
        }
        if (!spacingd) {
            f.spacingStated = true; // no Spacingd: the bundle runs on the scan's own grid
        }
        JsonNode inferer = root.path("inferer");
        if ("SlidingWindowInferer".equals(inferer.path("_target_").asText(""))) {
            f.roi = ints(inferer.get("roi_size"), 3);
            f.overlap = number(inferer, "overlap");
            Double batch = number(inferer, "sw_batch_size");
            f.batch = batch == null ? null : batch.intValue();
            String mode = literal(inferer.get("mode"));
            if (mode != null) {
                f.blend = blend(file, "mode", mode);
            }
        }
        for (JsonNode t : transforms(root.path("postprocessing"))) {
            switch (t.path("_target_").asText("")) {
                case "Activationsd" -> {
                    if (Boolean.TRUE.equals(bool(t, "sigmoid"))) {
                        f.activation = "sigmoid";
                    } else if (Boolean.TRUE.equals(bool(t, "softmax"))) {
                        f.activation = "softmax";
                    }
                }
                case "AsDiscreted" -> {
                    Double threshold = number(t, "threshold");
                    if (threshold != null) {
                        f.threshold = threshold;
                    }
                    if (Boolean.TRUE.equals(bool(t, "argmax")) && f.activation == null) {
                        f.activation = "softmax";
                    }
                }
                default -> { }
            }
        }
    }

    private static void override(Path file, JsonNode root, Fields f) throws BundleException {
        if (!root.isObject()) {
            throw new BundleException(file, "", "must be a JSON object");
        }
        for (var it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!List.of("name", "version", "description", "channels", "intensity", "spacingMm", "window", "output").contains(k)) {
                throw new BundleException(file, k, "unknown key (name, version, description, channels, intensity, spacingMm, window, output)");
            }
        }
        f.name = or(text(root, "name"), f.name);
        f.version = or(text(root, "version"), f.version);
        f.description = or(text(root, "description"), f.description);
        if (root.has("channels")) {
            List<String> names = strings(file, root.get("channels"), "channels");
            f.channels = modalities(file, names);
            f.inputChannels = names.size();
        }
        if (root.has("intensity")) {
            String v = root.get("intensity").asText("");
            f.intensity = switch (v) {
                case "nonzero-channel-wise" -> BundleContract.Intensity.NONZERO_CHANNEL_WISE;
                case "brain-zscore" -> BundleContract.Intensity.BRAIN_ZSCORE;
                default -> throw new BundleException(file, "intensity", "expected nonzero-channel-wise or brain-zscore, got '" + v + "'");
            };
        }
        if (root.has("spacingMm")) {
            JsonNode s = root.get("spacingMm");
            f.spacingStated = true;
            f.spacing = s.isTextual() && s.asText().equals("scan") ? null : doubles(s, 3);
            if (f.spacing == null && !(s.isTextual() && s.asText().equals("scan"))) {
                throw new BundleException(file, "spacingMm", "expected three numbers in mm or \"scan\"");
            }
        }
        JsonNode w = root.path("window");
        if (w.isObject()) {
            if (w.has("roi")) {
                f.roi = ints(w.get("roi"), 3);
                if (f.roi == null) {
                    throw new BundleException(file, "window.roi", "expected three whole numbers");
                }
            }
            f.overlap = or(number(w, "overlap"), f.overlap);
            Double batch = number(w, "batch");
            f.batch = batch == null ? f.batch : Integer.valueOf(batch.intValue());
            if (w.has("blend")) {
                f.blend = blend(file, "window.blend", w.get("blend").asText(""));
            }
        }
        JsonNode o = root.path("output");
        if (o.isObject()) {
            String kind = o.path("kind").asText(null);
            if (kind != null) {
                f.activation = switch (kind) {
                    case "sigmoid-regions" -> "sigmoid";
                    case "softmax-labels" -> "softmax";
                    default -> throw new BundleException(file, "output.kind", "expected sigmoid-regions or softmax-labels, got '" + kind + "'");
                };
            }
            f.threshold = or(number(o, "threshold"), f.threshold);
            String list = "sigmoid".equals(f.activation) ? "regions" : "labels";
            if (o.has(list)) {
                f.outputNames = strings(file, o.get(list), "output." + list);
                f.outputChannels = f.outputNames.size();
            }
        }
    }

    // --- names -------------------------------------------------------------------------------

    static List<Modality> modalities(Path file, List<String> names) throws BundleException {
        List<Modality> out = new ArrayList<>();
        for (String n : names) {
            String k = n.trim().toLowerCase(Locale.ROOT).replace("_", "").replace("-", "").replace(" ", "");
            Modality m = switch (k) {
                case "t1", "t1w", "t1native" -> Modality.T1;
                case "t1c", "t1ce", "t1gd", "t1contrast", "t1post" -> Modality.T1CE;
                case "t2", "t2w" -> Modality.T2;
                case "flair", "t2flair" -> Modality.FLAIR;
                default -> throw new BundleException(file, "channel_def", "unknown modality '" + n
                        + "' (brainseg has T1, T1c/T1ce, T2, FLAIR)");
            };
            if (out.contains(m)) {
                throw new BundleException(file, "channel_def", "names " + m.key() + " twice");
            }
            out.add(m);
        }
        return out;
    }

    static List<Region> regions(Path file, List<String> names) throws BundleException {
        List<Region> out = new ArrayList<>();
        for (String n : names) {
            String k = n.trim().toLowerCase(Locale.ROOT).replace("tumour", "tumor");
            out.add(switch (k) {
                case "tc", "tumor core" -> Region.TC;
                case "wt", "whole tumor" -> Region.WT;
                case "et", "enhancing tumor", "enhancing" -> Region.ET;
                default -> throw new BundleException(file, "outputs channel_def", "unknown region '" + n
                        + "' for a sigmoid output (TC / Tumor core, WT / Whole tumor, ET / Enhancing tumor)");
            });
        }
        return out;
    }

    static List<TumourLabel> labels(Path file, List<String> names) throws BundleException {
        List<TumourLabel> out = new ArrayList<>();
        for (String n : names) {
            String k = n.trim().toLowerCase(Locale.ROOT).replace("tumour", "tumor").replace("_", " ").replace("-", " ");
            switch (k) {
                case "background", "bg" -> out.add(null);
                case "edema", "ed", "peritumoral edema" -> out.add(TumourLabel.EDEMA);
                case "ncrnet", "ncr/net", "ncr", "necrotic", "non enhancing", "non enhancing tumor", "necrotic core" ->
                        out.add(TumourLabel.NCR_NET);
                case "enhancing", "enhancing tumor", "et" -> out.add(TumourLabel.ENHANCING);
                default -> throw new BundleException(file, "outputs channel_def", "unknown class '" + n
                        + "' for a softmax output (background, edema, ncrNet / necrotic / non-enhancing, enhancing)");
            }
        }
        return out;
    }

    // --- JSON literals -----------------------------------------------------------------------

    private static JsonNode parse(Path file) throws BundleException {
        try {
            if (Files.size(file) > (1 << 20)) {
                throw new BundleException(file, "", "larger than 1 MiB: not a configuration");
            }
            return JSON.readTree(file.toFile());
        } catch (BundleException e) {
            throw e;
        } catch (IOException e) {
            throw new BundleException(file, "", "not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** A transform list: {@code Compose}'s {@code transforms}, or a plain array. */
    private static List<JsonNode> transforms(JsonNode n) {
        JsonNode list = n.isArray() ? n : n.path("transforms");
        List<JsonNode> out = new ArrayList<>();
        if (list.isArray()) {
            list.forEach(out::add);
        }
        return out;
    }

    /** The first entry of {@code inputs}/{@code outputs} (bundles name it "image", "pred", ...). */
    private static JsonNode first(JsonNode n) {
        return n.isObject() && n.size() > 0 ? n.elements().next() : null;
    }

    private static List<String> channelDef(Path file, JsonNode io) throws BundleException {
        JsonNode def = io.get("channel_def");
        if (def == null || !def.isObject() || def.size() == 0) {
            return null;
        }
        Map<Integer, String> byIndex = new TreeMap<>();
        for (var it = def.fields(); it.hasNext(); ) {
            var e = it.next();
            try {
                byIndex.put(Integer.parseInt(e.getKey().trim()), e.getValue().asText());
            } catch (NumberFormatException x) {
                throw new BundleException(file, "channel_def", "keys must be channel indices, got '" + e.getKey() + "'");
            }
        }
        List<String> out = new ArrayList<>();
        int i = 0;
        for (var e : byIndex.entrySet()) {
            if (e.getKey() != i++) {
                throw new BundleException(file, "channel_def", "indices must be 0.." + (byIndex.size() - 1) + ", got " + byIndex.keySet());
            }
            out.add(e.getValue());
        }
        return out;
    }

    private static List<String> strings(Path file, JsonNode n, String field) throws BundleException {
        if (n == null || !n.isArray()) {
            throw new BundleException(file, field, "expected a list of names");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : n) {
            if (!e.isTextual()) {
                throw new BundleException(file, field, "expected names, got " + e);
            }
            out.add(e.asText());
        }
        return out;
    }

    private static BundleContract.Blend blend(Path file, String field, String mode) throws BundleException {
        return switch (mode.toLowerCase(Locale.ROOT)) {
            case "constant" -> BundleContract.Blend.CONSTANT;
            case "gaussian" -> BundleContract.Blend.GAUSSIAN;
            default -> throw new BundleException(file, field, "expected constant or gaussian, got '" + mode + "'");
        };
    }

    /** A literal string; null for absent, non-text, a {@code $} expression or an {@code @}/{@code %} reference. */
    private static String literal(JsonNode n) {
        if (n == null || !n.isTextual()) {
            return null;
        }
        String s = n.asText();
        return s.startsWith("$") || s.startsWith("@") || s.startsWith("%") ? null : s;
    }

    private static String text(JsonNode root, String field) {
        return literal(root.get(field));
    }

    private static Boolean bool(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isBoolean() ? v.asBoolean() : null;
    }

    private static Double number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isNumber() ? v.asDouble() : null;
    }

    private static Integer integer(Path file, JsonNode n, String field) throws BundleException {
        JsonNode v = n.get(field);
        if (v == null) {
            return null;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new BundleException(file, field, "expected a whole number, got " + v);
        }
        return v.asInt();
    }

    private static int[] ints(JsonNode n, int size) {
        double[] d = doubles(n, size);
        if (d == null) {
            return null;
        }
        int[] out = new int[size];
        for (int i = 0; i < size; i++) {
            if (d[i] != Math.rint(d[i])) {
                return null;
            }
            out[i] = (int) d[i];
        }
        return out;
    }

    private static double[] doubles(JsonNode n, int size) {
        if (n == null || !n.isArray() || n.size() != size) {
            return null;
        }
        double[] out = new double[size];
        for (int i = 0; i < size; i++) {
            if (!n.get(i).isNumber()) {
                return null;
            }
            out[i] = n.get(i).asDouble();
        }
        return out;
    }

    private static void require(Path where, Object value, String what) throws BundleException {
        if (value == null) {
            throw new BundleException(where, what.split(" ")[0], "not stated: " + what);
        }
    }

    private static <T> T or(T a, T b) {
        return a != null ? a : b;
    }
}
