package org.brainseg.model.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.imaging.labels.Region;
import org.brainseg.imaging.labels.TumourLabel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A bundle folder read as its authors ship it: a MONAI BraTS-style bundle (T1c, T1, T2, FLAIR in;
 * TC, WT, ET sigmoids out; no Spacingd; a whole-brain window), its override file, a bare TorchScript
 * folder, and every refusal: missing files, unknown or repeated modalities, channel counts that
 * disagree, expressions that are never evaluated, hostile and malformed JSON.
 */
class BundleReaderTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** A bundle laid out as the MONAI Model Zoo's brats_mri_segmentation (the network file a placeholder). */
    Path bratsBundle(Consumer<ObjectNode> metadata, Consumer<ObjectNode> inference) throws Exception {
        return writeBratsBundle(tmp.resolve("brats_mri_segmentation"), metadata, inference);
    }

    /** {@link #bratsBundle} at {@code dir}, for other tests of this package. */
    static Path writeBratsBundle(Path dir, Consumer<ObjectNode> metadata, Consumer<ObjectNode> inference) throws Exception {
        Files.createDirectories(dir.resolve("configs"));
        Files.createDirectories(dir.resolve("models"));
        Files.writeString(dir.resolve("models/model.ts"), "not read by the reader");
        ObjectNode m = JSON.createObjectNode();
        m.put("version", "0.3.0");
        m.put("description", "3D segmentation of brain tumour sub-regions from multimodal MRI");
        m.put("intended_use", "an example, not for diagnosis");
        ObjectNode in = m.putObject("network_data_format").putObject("inputs").putObject("image");
        in.put("num_channels", 4);
        in.putObject("channel_def").put("0", "T1c").put("1", "T1").put("2", "T2").put("3", "FLAIR");
        ObjectNode out = ((ObjectNode) m.get("network_data_format")).putObject("outputs").putObject("pred");
        out.put("num_channels", 3);
        out.putObject("channel_def").put("0", "Tumor core").put("1", "Whole tumor").put("2", "Enhancing tumor");
        metadata.accept(m);
        JSON.writeValue(dir.resolve("configs/metadata.json").toFile(), m);
        ObjectNode i = JSON.createObjectNode();
        i.put("bundle_root", ".");
        i.put("device", "$torch.device('cuda:0' if torch.cuda.is_available() else 'cpu')");
        ArrayNode pre = i.putObject("preprocessing").put("_target_", "Compose").putArray("transforms");
        pre.addObject().put("_target_", "LoadImaged").put("keys", "image");
        pre.addObject().put("_target_", "NormalizeIntensityd").put("keys", "image").put("nonzero", true).put("channel_wise", true);
        ObjectNode inferer = i.putObject("inferer").put("_target_", "SlidingWindowInferer").put("sw_batch_size", 1).put("overlap", 0.5);
        inferer.putArray("roi_size").add(240).add(240).add(160);
        ArrayNode post = i.putObject("postprocessing").put("_target_", "Compose").putArray("transforms");
        post.addObject().put("_target_", "Activationsd").put("keys", "pred").put("sigmoid", true);
        post.addObject().put("_target_", "AsDiscreted").put("keys", "pred").put("threshold", 0.5);
        post.addObject().put("_target_", "Lambdad").put("func", "$lambda x: torch.where(x[[2]] > 0, 4, x)");
        inference.accept(i);
        JSON.writeValue(dir.resolve("configs/inference.json").toFile(), i);
        return dir;
    }

    Path bratsBundle() throws Exception {
        return bratsBundle(m -> {}, i -> {});
    }

    @Test
    void shouldReadAMonaiBratsBundleAsItIs() throws Exception {
        Path dir = bratsBundle();
        assertThat(BundleReader.isBundle(dir)).isTrue();
        assertThat(BundleReader.modelFile(dir)).isEqualTo(dir.resolve("models/model.ts"));
        BundleContract c = BundleReader.read(dir);
        assertThat(c.name()).isEqualTo("brats_mri_segmentation");
        assertThat(c.version()).isEqualTo("0.3.0");
        assertThat(c.intendedUse()).contains("not for diagnosis");
        assertThat(c.channels()).containsExactly(Modality.T1CE, Modality.T1, Modality.T2, Modality.FLAIR);
        assertThat(c.intensity()).isEqualTo(BundleContract.Intensity.NONZERO_CHANNEL_WISE);
        assertThat(c.spacingMm()).as("no Spacingd: the scan's own grid").isNull();
        assertThat(c.window().roi()).containsExactly(240, 240, 160);
        assertThat(c.window().overlap()).isEqualTo(0.5);
        assertThat(c.window().blend()).isEqualTo(BundleContract.Blend.CONSTANT);
        assertThat(c.window().batch()).isEqualTo(1);
        assertThat(c.output()).isEqualTo(new BundleContract.SigmoidRegions(List.of(Region.TC, Region.WT, Region.ET), 0.5));
    }

    @Test
    void shouldLetTheOverrideFileStateAndChangeWhatTheBundleSays() throws Exception {
        Path dir = bratsBundle(m -> {}, i -> ((ObjectNode) i.get("inferer")).put("roi_size", "@roi"));
        assertThatThrownBy(() -> BundleReader.read(dir)).isInstanceOf(BundleException.class)
                .hasMessageContaining("window.roi").hasMessageContaining("not stated");
        Files.writeString(dir.resolve(BundleReader.OVERRIDE_FILE), """
                {"name": "brats-segresnet", "window": {"roi": [128, 128, 128], "blend": "gaussian", "batch": 2},
                 "spacingMm": [1, 1, 1]}
                """);
        BundleContract c = BundleReader.read(dir);
        assertThat(c.name()).isEqualTo("brats-segresnet");
        assertThat(c.window().roi()).containsExactly(128, 128, 128);
        assertThat(c.window().blend()).isEqualTo(BundleContract.Blend.GAUSSIAN);
        assertThat(c.window().batch()).isEqualTo(2);
        assertThat(c.window().overlap()).as("still the bundle's").isEqualTo(0.5);
        assertThat(c.spacingMm()).containsExactly(1, 1, 1);
    }

    @Test
    void shouldReadABareTorchScriptWithItsOverrideFileAndRefuseOneWithout() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("nnunet-export"));
        Files.writeString(dir.resolve("model.ts"), "x");
        assertThat(BundleReader.isBundle(dir)).isTrue();
        assertThatThrownBy(() -> BundleReader.read(dir)).isInstanceOf(BundleException.class).hasMessageContaining("channels");
        Files.writeString(dir.resolve(BundleReader.OVERRIDE_FILE), """
                {"version": "1", "channels": ["t1", "t1ce", "t2", "flair"], "intensity": "brain-zscore", "spacingMm": "scan",
                 "window": {"roi": [64, 64, 64], "overlap": 0.5},
                 "output": {"kind": "softmax-labels", "labels": ["background", "ncrNet", "edema", "enhancing"]}}
                """);
        BundleContract c = BundleReader.read(dir);
        assertThat(c.name()).isEqualTo("nnunet-export");
        assertThat(c.channels()).containsExactly(Modality.T1, Modality.T1CE, Modality.T2, Modality.FLAIR);
        assertThat(c.intensity()).isEqualTo(BundleContract.Intensity.BRAIN_ZSCORE);
        assertThat(c.spacingMm()).isNull();
        assertThat(c.output()).isEqualTo(new BundleContract.SoftmaxLabels(java.util.Arrays.asList(null, TumourLabel.NCR_NET,
                TumourLabel.EDEMA, TumourLabel.ENHANCING)));
    }

    @Test
    void shouldNotTreatANativeModelDirectoryAsABundle() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("native"));
        Files.writeString(dir.resolve("model.json"), "{}");
        assertThat(BundleReader.isBundle(dir)).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no metadata.json | metadata.json: missing",
        "no model.ts | models/model.ts: missing",
        "unknown modality | unknown modality 'DWI'",
        "a modality twice | names t1 twice",
        "num_channels against channel_def | the input has 5 channels but channel_def names 4",
        "output num_channels against channel_def | the output has 2 channels but channel_def names 3",
        "channel_def not by index | keys must be channel indices",
        "unknown output region | unknown region 'Necrosis'",
        "NormalizeIntensityd not nonzero | only nonzero=true with channel_wise=true",
        "no activation | output.kind",
        "Spacingd by expression | spacingMm: not stated",
        "not JSON | not valid JSON",
        "mode unknown | expected constant or gaussian",
        "overlap 1 | overlap must be in [0, 1)",
    })
    void shouldRefuseWhatItCannotKnowNamingTheField(String bad, String message) throws Exception {
        Path dir = switch (bad) {
            case "unknown modality" -> bratsBundle(m -> channelDef(m, "inputs", "image").put("3", "DWI"), i -> {});
            case "a modality twice" -> bratsBundle(m -> channelDef(m, "inputs", "image").put("1", "T1w").put("0", "t1"), i -> {});
            case "num_channels against channel_def" -> bratsBundle(m -> io(m, "inputs", "image").put("num_channels", 5), i -> {});
            case "output num_channels against channel_def" -> bratsBundle(m -> io(m, "outputs", "pred").put("num_channels", 2), i -> {});
            case "channel_def not by index" -> bratsBundle(m -> channelDef(m, "inputs", "image").put("flair", "FLAIR"), i -> {});
            case "unknown output region" -> bratsBundle(m -> channelDef(m, "outputs", "pred").put("1", "Necrosis"), i -> {});
            case "NormalizeIntensityd not nonzero" -> bratsBundle(m -> {}, i -> transform(i, "preprocessing", 1).put("nonzero", false));
            case "no activation" -> bratsBundle(m -> {}, i -> transform(i, "postprocessing", 0).put("sigmoid", false));
            case "Spacingd by expression" -> bratsBundle(m -> {}, i -> ((ArrayNode) i.get("preprocessing").get("transforms"))
                    .addObject().put("_target_", "Spacingd").put("pixdim", "$[1.0, 1.0, 1.0]"));
            case "mode unknown" -> bratsBundle(m -> {}, i -> ((ObjectNode) i.get("inferer")).put("mode", "median"));
            case "overlap 1" -> bratsBundle(m -> {}, i -> ((ObjectNode) i.get("inferer")).put("overlap", 1.0));
            default -> bratsBundle();
        };
        switch (bad) {
            case "no metadata.json" -> Files.delete(dir.resolve("configs/metadata.json"));
            case "no model.ts" -> Files.delete(dir.resolve("models/model.ts"));
            case "not JSON" -> Files.writeString(dir.resolve("configs/inference.json"), "{\"inferer\": [1, 2,");
            default -> { }
        }
        assertThatThrownBy(() -> BundleReader.read(dir)).isInstanceOf(BundleException.class).hasMessageContaining(message);
    }

    @Test
    void shouldRefuseAnOverrideFileWithUnknownKeysOrValues() throws Exception {
        Path dir = bratsBundle();
        Files.writeString(dir.resolve(BundleReader.OVERRIDE_FILE), "{\"roi\": [1, 2, 3]}");
        assertThatThrownBy(() -> BundleReader.read(dir)).hasMessageContaining("roi: unknown key");
        Files.writeString(dir.resolve(BundleReader.OVERRIDE_FILE), "{\"intensity\": \"minmax\"}");
        assertThatThrownBy(() -> BundleReader.read(dir)).hasMessageContaining("expected nonzero-channel-wise or brain-zscore");
        Files.writeString(dir.resolve(BundleReader.OVERRIDE_FILE), "[]");
        assertThatThrownBy(() -> BundleReader.read(dir)).hasMessageContaining("must be a JSON object");
        Files.write(dir.resolve(BundleReader.OVERRIDE_FILE), new byte[(1 << 20) + 1]);
        assertThatThrownBy(() -> BundleReader.read(dir)).hasMessageContaining("larger than 1 MiB");
    }

    @Test
    void shouldLabelNestedRegionsByMonaisRuleAndSoftmaxByArgmax() {
        var sigmoid = new BundleContract.SigmoidRegions(List.of(Region.TC, Region.WT, Region.ET), 0.5);
        assertThat(sigmoid.label(new float[] {0.9f, 0.9f, 0.9f})).as("ET wins").isEqualTo(3);
        assertThat(sigmoid.label(new float[] {0.9f, 0.9f, 0.1f})).as("TC, not ET: NCR/NET").isEqualTo(1);
        assertThat(sigmoid.label(new float[] {0.1f, 0.9f, 0.1f})).as("WT only: edema").isEqualTo(2);
        assertThat(sigmoid.label(new float[] {0.1f, 0.1f, 0.7f})).as("ET outside WT is still ET (MONAI's rule)").isEqualTo(3);
        assertThat(sigmoid.label(new float[] {0.49f, 0.49f, 0.49f})).isZero();
        assertThat(sigmoid.label(new float[] {0.1f, 0.5f, 0.1f})).as("at the threshold: in").isEqualTo(2);
        var softmax = new BundleContract.SoftmaxLabels(java.util.Arrays.asList(null, TumourLabel.EDEMA, TumourLabel.NCR_NET,
                TumourLabel.ENHANCING));
        assertThat(softmax.label(new float[] {0.1f, 0.6f, 0.2f, 0.1f})).isEqualTo(2);
        assertThat(softmax.label(new float[] {0.1f, 0.2f, 0.6f, 0.1f})).isEqualTo(1);
        assertThat(softmax.label(new float[] {0.7f, 0.1f, 0.1f, 0.1f})).isZero();
    }

    static ObjectNode io(ObjectNode metadata, String side, String name) {
        return (ObjectNode) metadata.get("network_data_format").get(side).get(name);
    }

    static ObjectNode channelDef(ObjectNode metadata, String side, String name) {
        return (ObjectNode) io(metadata, side, name).get("channel_def");
    }

    static ObjectNode transform(ObjectNode inference, String stage, int index) {
        return (ObjectNode) inference.get(stage).get("transforms").get(index);
    }
}
