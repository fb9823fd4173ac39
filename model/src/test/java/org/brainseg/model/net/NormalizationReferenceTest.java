package org.brainseg.model.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.brainseg.model.net.TorchReference.Tensor;
import org.brainseg.schemas.Normalization;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each normalization's forward pass against PyTorch's functional implementation (float64). */
class NormalizationReferenceTest {
    private static final double TOLERANCE = 1e-5;

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} channels={1} training={2}")
    @CsvSource({
        "layer, 6, true",
        "layer, 16, false",
        "layer-channel, 6, true",
        "layer-channel, 16, false",
        "instance, 6, true",
        "instance, 16, false",
        "group, 16, true",
        "group, 12, false",
        "group, 4, true",
        "batch, 6, true",
        "batch, 6, false",
    })
    void shouldMatchTorchFunctionalNorm(String kind, int channels, boolean training) throws Exception {
        assumeTrue(TorchReference.available(), "/usr/bin/python3 with torch is not installed");
        Normalization norm = Normalization.parse(kind);
        Random rnd = new Random(42 + channels);
        // Non-cubic, offset and scaled input: catches wrong axes and missing centring.
        Shape shape = new Shape(2, channels, 3, 4, 5);
        float[] x = new float[(int) shape.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (3 + 2 * rnd.nextGaussian() + (i % channels));
        }
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Block block = NormalizationLayers.create(norm, channels);
            block.initialize(m, DataType.FLOAT32, shape);
            Map<String, Tensor> inputs = new LinkedHashMap<>();
            inputs.put("input", new Tensor(shape.getShape(), x));
            for (Pair<String, Parameter> p : block.getParameters()) {
                NDArray a = p.getValue().getArray();
                float[] v = new float[(int) a.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = p.getKey().startsWith("runningVar") ? 0.5f + rnd.nextFloat() : (float) rnd.nextGaussian();
                }
                a.set(FloatBuffer.wrap(v));
                inputs.put(p.getKey(), new Tensor(a.getShape().getShape(), v));
            }
            float[] actual;
            try (NDManager step = m.newSubManager()) {
                NDArray in = step.create(x, shape);
                NDArray out = block.forward(new ParameterStore(step, false), new NDList(in), training).singletonOrThrow();
                assertThat(out.getShape()).isEqualTo(shape);
                actual = out.toFloatArray();
            }
            String options = "{\"kind\":\"" + kind + "\",\"training\":" + training + "}";
            Map<String, Tensor> ref = TorchReference.run("norm", options, inputs, tmp);
            assertThat(TorchReference.relativeError(actual, ref.get("output").data()))
                    .as("%s forward vs torch", kind).isLessThan(TOLERANCE);
            if (norm == Normalization.BATCH) {
                for (String stat : new String[] {"runningMean", "runningVar"}) {
                    float[] updated = block.getParameters().get(stat).getArray().toFloatArray();
                    assertThat(TorchReference.relativeError(updated, ref.get(stat + ".updated").data()))
                            .as("%s after forward(training=%s)", stat, training).isLessThan(TOLERANCE);
                }
            }
        }
    }
}
