package org.brainseg.model.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.model.net.TorchReference;
import org.brainseg.model.net.TorchReference.Tensor;
import org.brainseg.model.net.UNet3d;
import org.brainseg.schemas.Normalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The numerics self-check: it passes here (with the oneDNN work-around in place), it notices wrong
 * numbers, and its stored reference is what Debian's PyTorch computes in float64.
 */
class NumericsCheckTest {
    /** Rewrite the stored reference with -Dnumerics.reference.write=PATH (the resource file). */
    private static final String WRITE = System.getProperty("numerics.reference.write");

    @TempDir
    Path tmp;

    @Test
    void shouldPassOnThisMachineForEveryNormalization() {
        NumericsCheck.Report report = NumericsCheck.run(EngineSettings.defaults().apply());
        assertThat(report.results()).hasSize(Normalization.values().length);
        for (NumericsCheck.Result r : report.results()) {
            assertThat(r.finite()).as("%s finite", r.normalization()).isTrue();
            assertThat(r.worstError()).as("%s worst error (%s)", r.normalization(), r.worstTensor())
                    .isLessThan(NumericsCheck.TOLERANCE);
        }
        assertThat(report.passed()).isTrue();
        assertThat(report.reason()).isNull();
    }

    @Test
    void shouldNameTheTensorAndNormalizationThatDiffer() {
        Map<String, double[]> actual = NumericsCheck.fingerprints(Normalization.LAYER, Device.cpu());
        JsonNode ref = NumericsCheck.loadReference().path("normalizations").path("layer");
        assertThat(NumericsCheck.compare(Normalization.LAYER, actual, ref).passed()).isTrue();

        actual.get("grad:04dec0_01conv1_weight")[0] *= 1.3; // its norm 30 % off, as the oneDNN bug made it
        NumericsCheck.Result wrong = NumericsCheck.compare(Normalization.LAYER, actual, ref);
        assertThat(wrong.passed()).isFalse();
        assertThat(wrong.worstTensor()).isEqualTo("grad:04dec0_01conv1_weight");
        assertThat(new NumericsCheck.Report(java.util.List.of(wrong), 0).reason())
                .startsWith("numerics check failed: layer U-Net grad:04dec0_01conv1_weight differs");

        actual.get("output")[0] = Double.NaN;
        NumericsCheck.Result nan = NumericsCheck.compare(Normalization.LAYER, actual, ref);
        assertThat(nan.finite()).isFalse();
        assertThat(new NumericsCheck.Report(java.util.List.of(nan), 0).reason()).contains("is not finite");
    }

    @Test
    void shouldRegenerateTheSameValuesFromAName() {
        assertThat(DeterministicTensors.uniform("x", 5)).containsExactly(DeterministicTensors.uniform("x", 5));
        assertThat(DeterministicTensors.uniform("x", 5)).isNotEqualTo(DeterministicTensors.uniform("y", 5));
        float[] u = DeterministicTensors.uniform("input", 10_000);
        for (float v : u) {
            assertThat(v).isBetween(-1f, 0.99999994f);
        }
        // Pinned values: torch_reference.py and any re-implementation must produce exactly these.
        assertThat(DeterministicTensors.fnv1a("input")).isEqualTo(0xf9d86f7b);
    }

    /** The stored reference must be what Debian's PyTorch computes in float64 for the same network. */
    @ParameterizedTest
    @EnumSource(Normalization.class)
    void shouldStoreWhatTorchComputesInFloat64(Normalization n) throws Exception {
        assumeTrue(TorchReference.available(), "/usr/bin/python3 with torch is not installed");
        Map<String, double[]> torch = torchFingerprints(n);
        JsonNode stored = NumericsCheck.loadReference().path("normalizations").path(n.wire());
        if (WRITE != null) {
            write(n, torch);
            return;
        }
        NumericsCheck.Result r = NumericsCheck.compare(n, torch, stored);
        assertThat(r.worstError()).as("%s: stored reference vs torch, worst %s", n, r.worstTensor()).isLessThan(1e-5);
    }

    private Map<String, double[]> torchFingerprints(Normalization n) throws Exception {
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        inputs.put("input", new Tensor(NumericsCheck.INPUT.getShape(), NumericsCheck.input()));
        inputs.put("upstream", new Tensor(NumericsCheck.INPUT.getShape(), NumericsCheck.upstream()));
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), EngineSettings.ENGINE)) {
            UNet3d net = NumericsCheck.network(n, m);
            for (Pair<String, Parameter> p : net.getParameters()) {
                NDArray a = p.getValue().getArray();
                inputs.put(p.getKey(), new Tensor(a.getShape().getShape(), a.toFloatArray()));
            }
        }
        String options = "{\"kind\":\"" + n.wire() + "\",\"depth\":" + NumericsCheck.DEPTH + ",\"training\":";
        Map<String, Tensor> eval = TorchReference.run("unet", options + "false}", inputs, tmp);
        Map<String, Tensor> train = TorchReference.run("unet-grad", options + "true}", inputs, tmp);
        Map<String, double[]> out = new LinkedHashMap<>();
        out.put("inference", DeterministicTensors.fingerprint("inference", eval.get("output").data()));
        for (Map.Entry<String, Tensor> e : train.entrySet()) {
            out.put(e.getKey(), DeterministicTensors.fingerprint(e.getKey(), e.getValue().data()));
        }
        return out;
    }

    private static synchronized void write(Normalization n, Map<String, double[]> fingerprints) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Path file = Path.of(WRITE);
        ObjectNode root = Files.exists(file) ? (ObjectNode) json.readTree(file.toFile()) : json.createObjectNode();
        root.put("about", "Fingerprints [L2 norm, projection 0, projection 1, size] of the depth-2 width-8 U-Net's "
                + "outputs and gradients on DeterministicTensors inputs, computed in float64 by Debian's PyTorch "
                + "(model/src/test/resources/torch_reference.py); regenerate with NumericsCheckTest "
                + "-Dnumerics.reference.write=PATH");
        ObjectNode norms = root.has("normalizations") ? (ObjectNode) root.get("normalizations") : root.putObject("normalizations");
        ObjectNode node = norms.putObject(n.wire());
        for (Map.Entry<String, double[]> e : fingerprints.entrySet()) {
            ArrayNode a = node.putArray(e.getKey());
            for (double v : e.getValue()) {
                a.add(v);
            }
        }
        json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
    }
}
