package org.brainseg.model.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.brainseg.model.net.TorchReference.Tensor;
import org.brainseg.schemas.Normalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class UNet3dTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "depth={0} width={1} size={2}x{3}x{4} batch={5}")
    @CsvSource({
        "1, 2, 3, 5, 7, 1",
        "2, 4, 8, 6, 4, 2",
        "3, 4, 8, 12, 16, 1",
        "3, 8, 16, 16, 16, 2",
        "4, 2, 16, 8, 24, 1",
        "5, 2, 16, 32, 16, 1",
    })
    void shouldKeepSpatialSizeAndGiveOneLogitPerClass(int depth, int width, int d, int h, int w, int n) {
        UNetConfig cfg = UNetConfig.brats(depth, width, Normalization.LAYER);
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            UNet3d net = new UNet3d(cfg);
            net.initialize(m, DataType.FLOAT32, new Shape(1, 4, 8, 8, 8));
            Shape in = new Shape(n, 4, d, h, w);
            try (NDManager step = m.newSubManager()) {
                NDArray out = net.forward(new ParameterStore(step, false), new NDList(step.randomNormal(in)), false)
                        .singletonOrThrow();
                assertThat(out.getShape()).isEqualTo(new Shape(n, 4, d, h, w));
                assertThat(net.getOutputShapes(new Shape[] {in})[0]).isEqualTo(out.getShape());
            }
        }
    }

    @ParameterizedTest(name = "depth={0} size={1}x{2}x{3}")
    @CsvSource({
        "3, 30, 32, 32, 30",
        "3, 32, 32, 2, 2",
        "2, 16, 15, 16, 15",
        "4, 16, 16, 12, 12",
    })
    void shouldRejectSizesTheNetworkCannotHalve(int depth, int d, int h, int w, int bad) {
        UNetConfig cfg = UNetConfig.brats(depth, 2, Normalization.NONE);
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            UNet3d net = new UNet3d(cfg);
            net.initialize(m, DataType.FLOAT32, new Shape(1, 4, 8, 8, 8));
            try (NDManager step = m.newSubManager()) {
                NDArray x = step.zeros(new Shape(1, 4, d, h, w));
                assertThatThrownBy(() -> net.forward(new ParameterStore(step, false), new NDList(x), false))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("spatial size " + bad)
                        .hasMessageContaining("divisible by 2^(depth-1) = " + cfg.sizeDivisor());
            }
        }
    }

    @Test
    void shouldRejectWrongChannelCount() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            UNet3d net = new UNet3d(UNetConfig.brats(2, 2, Normalization.NONE));
            net.initialize(m, DataType.FLOAT32, new Shape(1, 4, 8, 8, 8));
            assertThatThrownBy(() -> net.checkInput(new Shape(1, 3, 8, 8, 8)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 channels, expected 4");
        }
    }

    @ParameterizedTest
    @EnumSource(Normalization.class)
    void shouldMatchTorchForwardOfTheWholeNetwork(Normalization norm) throws Exception {
        assumeTrue(TorchReference.available(), "/usr/bin/python3 with torch is not installed");
        int depth = 3;
        UNetConfig cfg = UNetConfig.brats(depth, 4, norm);
        Shape shape = new Shape(2, 4, 8, 12, 16);
        Random rnd = new Random(7);
        float[] x = new float[(int) shape.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Engine.getInstance().setRandomSeed(3);
            UNet3d net = new UNet3d(cfg);
            net.initialize(m, DataType.FLOAT32, shape);
            Map<String, Tensor> inputs = new LinkedHashMap<>();
            inputs.put("input", new Tensor(shape.getShape(), x));
            for (Pair<String, Parameter> p : net.getParameters()) {
                NDArray a = p.getValue().getArray();
                if (p.getValue().getType() == Parameter.Type.GAMMA || p.getValue().getType() == Parameter.Type.BETA
                        || p.getValue().getType() == Parameter.Type.BIAS) {
                    // Non-trivial affine parameters and biases, so they are exercised too.
                    float[] v = new float[(int) a.size()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (float) (0.2 * rnd.nextGaussian() + (p.getValue().getType() == Parameter.Type.GAMMA ? 1 : 0));
                    }
                    a.set(java.nio.FloatBuffer.wrap(v));
                }
                inputs.put(p.getKey(), new Tensor(a.getShape().getShape(), a.toFloatArray()));
            }
            float[] actual;
            try (NDManager step = m.newSubManager()) {
                actual = net.forward(new ParameterStore(step, false), new NDList(step.create(x, shape)), false)
                        .singletonOrThrow().toFloatArray();
            }
            String options = "{\"kind\":\"" + norm.wire() + "\",\"depth\":" + depth + ",\"training\":false}";
            Map<String, Tensor> ref = TorchReference.run("unet", options, inputs, tmp);
            assertThat(TorchReference.relativeError(actual, ref.get("output").data()))
                    .as("U-Net forward with %s vs torch", norm).isLessThan(1e-5);
        }
    }

    @ParameterizedTest
    @EnumSource(Normalization.class)
    void shouldChangeEveryTrainableParameterAfterOneAdamStep(Normalization norm) {
        Engine.getInstance().setRandomSeed(11);
        UNet3d net = new UNet3d(UNetConfig.brats(2, 4, norm));
        try (Model model = Model.newInstance("grad-test", Device.cpu(), "PyTorch")) {
            model.setBlock(net);
            net.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(2, 4, 8, 8, 8));
            Map<String, float[]> before = new LinkedHashMap<>();
            for (Pair<String, Parameter> p : net.getParameters()) {
                before.put(p.getKey(), p.getValue().getArray().toFloatArray());
            }
            DefaultTrainingConfig tc = new DefaultTrainingConfig(Loss.l2Loss())
                    .optOptimizer(Adam.builder().optLearningRateTracker(Tracker.fixed(1e-2f)).build());
            try (Trainer trainer = model.newTrainer(tc); NDManager step = model.getNDManager().newSubManager()) {
                NDArray x = step.randomNormal(new Shape(2, 4, 8, 8, 8));
                NDArray target = step.randomNormal(new Shape(2, 4, 8, 8, 8));
                try (GradientCollector gc = trainer.newGradientCollector()) {
                    NDArray out = trainer.forward(new NDList(x)).singletonOrThrow();
                    gc.backward(out.sub(target).square().mean());
                }
                trainer.step();
            }
            for (Pair<String, Parameter> p : net.getParameters()) {
                float[] after = p.getValue().getArray().toFloatArray();
                if (p.getValue().requiresGradient()) {
                    assertThat(after).as("parameter %s (%s)", p.getKey(), norm).isNotEqualTo(before.get(p.getKey()));
                }
            }
        }
    }
}
