package org.brainseg.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Adam;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import org.brainseg.model.engine.DeviceChoice;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.model.net.UNet3d;
import org.brainseg.model.net.UNetConfig;
import org.brainseg.model.train.DiceCeLoss;
import org.brainseg.schemas.Normalization;

/**
 * Times one training step of the U-Net as {@code model}'s Trainer runs it: tensors created from
 * Java arrays, forward, Dice + cross-entropy loss, backward, Adam update, all in a sub-manager
 * closed after the step. The input is seeded and tumour-like (an ellipsoidal lesion per patch with
 * edema, enhancing rim and necrotic core, brighter per class, plus noise), so no dataset is needed;
 * the cost of a step does not depend on the values anyway, only on the shapes.
 */
public final class StepBenchmark {
    private static final int CLASSES = 4;

    /**
     * @param patch edge of the cubic patch, a multiple of 2^(depth-1)
     * @param normalization the U-Net's normalization
     * @param steps measured steps, 1..1000
     * @param warmup unmeasured steps first, 0..100
     * @param depth U-Net levels
     * @param width channels of the first level
     * @param batch patches per step, 1..64
     * @param threads PyTorch intra-op threads (0: all cores)
     */
    public record Config(int patch, Normalization normalization, int steps, int warmup, int depth, int width, int batch,
            int threads) {
        public Config {
            require(steps >= 1 && steps <= 1000, "--steps must be 1..1000, got " + steps);
            require(warmup >= 0 && warmup <= 100, "--warmup must be 0..100, got " + warmup);
            require(batch >= 1 && batch <= 64, "--batch must be 1..64, got " + batch);
            require(threads >= 0 && threads <= 256, "--threads must be 0..256, got " + threads);
            require(patch >= 4 && patch <= 256, "--patch must be 4..256, got " + patch);
            require(depth >= 1 && depth <= UNetConfig.MAX_DEPTH, "--depth must be 1.." + UNetConfig.MAX_DEPTH + ", got " + depth);
            require(width >= 1 && width <= 512, "--width must be 1..512, got " + width);
            require(normalization != null, "--normalization is required");
            UNetConfig arch = UNetConfig.brats(depth, width, normalization);
            require(patch % arch.sizeDivisor() == 0,
                    "--patch must be a multiple of " + arch.sizeDivisor() + " (2^(depth-1)), got " + patch);
        }

        public UNetConfig architecture() {
            return UNetConfig.brats(depth, width, normalization);
        }
    }

    /**
     * @param config what was run
     * @param stepSeconds wall time of each measured step
     * @param peakRssMb the process's peak resident set size after the steps
     * @param intraOpThreads the PyTorch threads the steps ran with
     * @param device where they ran
     */
    public record Result(Config config, double[] stepSeconds, double peakRssMb, int intraOpThreads, String device) {
        public double median() {
            return Stats.median(stepSeconds);
        }
    }

    private final Config config;

    public StepBenchmark(Config config) {
        this.config = config;
    }

    /**
     * Runs the warm-up and measured steps.
     *
     * @param onStep called with the number of steps done (warm-up included) after each
     */
    public Result run(IntConsumer onStep) {
        Device device = EngineSettings.of(DeviceChoice.CPU, config.threads()).apply();
        Engine.getEngine(EngineSettings.ENGINE).setRandomSeed(1);
        int p = config.patch();
        Shape shape = new Shape(config.batch(), config.architecture().inChannels(), p, p, p);
        Shape targetShape = new Shape(config.batch(), CLASSES, p, p, p);
        float[][] input = tumourLikeBatch(config.batch(), p, new SplittableRandom(1));
        UNet3d net = new UNet3d(config.architecture());
        double[] times = new double[config.steps()];
        try (Model model = Model.newInstance("bench-step", device, EngineSettings.ENGINE)) {
            model.setBlock(net);
            net.initialize(model.getNDManager(), DataType.FLOAT32, shape);
            DefaultTrainingConfig tc = new DefaultTrainingConfig(Loss.l2Loss()) // unused: the loss is computed here
                    .optOptimizer(Adam.builder().build())
                    .optDevices(new Device[] {device});
            try (Trainer trainer = model.newTrainer(tc)) {
                for (int i = 0; i < config.warmup() + config.steps(); i++) {
                    long t0 = System.nanoTime();
                    step(model, trainer, input, shape, targetShape);
                    double s = (System.nanoTime() - t0) / 1e9;
                    if (i >= config.warmup()) {
                        times[i - config.warmup()] = s;
                    }
                    onStep.accept(i + 1);
                }
            }
        }
        return new Result(config, times, PeakRss.megabytes(), JniUtils.getNumThreads(), device.toString());
    }

    static void step(Model model, Trainer trainer, float[][] input, Shape shape, Shape targetShape) {
        try (NDManager sm = model.getNDManager().newSubManager()) {
            NDArray x = sm.create(input[0], shape);
            NDArray y = sm.create(input[1], targetShape);
            try (GradientCollector gc = trainer.newGradientCollector()) {
                NDArray logits = trainer.forward(new NDList(x)).singletonOrThrow();
                NDArray loss = DiceCeLoss.compute(logits, y);
                gc.backward(loss);
                loss.getFloat();
            }
            trainer.step();
        }
    }

    /**
     * Images (batch, 4, p, p, p) and one-hot labels (batch, 4, p, p, p): per patch a lesion at a random
     * centre, enhancing rim around a necrotic core inside edema, each class brighter than the last.
     */
    static float[][] tumourLikeBatch(int batch, int p, SplittableRandom random) {
        int n = p * p * p;
        float[] images = new float[batch * 4 * n];
        float[] oneHot = new float[batch * CLASSES * n];
        for (int b = 0; b < batch; b++) {
            double cx = p * (0.35 + 0.3 * random.nextDouble());
            double cy = p * (0.35 + 0.3 * random.nextDouble());
            double cz = p * (0.35 + 0.3 * random.nextDouble());
            double r = p * (0.15 + 0.1 * random.nextDouble());
            for (int z = 0; z < p; z++) {
                for (int y = 0; y < p; y++) {
                    for (int x = 0; x < p; x++) {
                        double d = Math.sqrt(sq(x - cx) + sq(y - cy) + sq(z - cz)) / r;
                        int label = d < 0.5 ? 1 : d < 0.8 ? 3 : d < 1.6 ? 2 : 0; // core, rim, edema, background
                        int v = x + p * (y + p * z);
                        oneHot[(b * CLASSES + label) * n + v] = 1;
                        for (int c = 0; c < 4; c++) {
                            images[(b * 4 + c) * n + v] = (float) (0.4 * label * (c + 1) / 4.0 + random.nextGaussian());
                        }
                    }
                }
            }
        }
        return new float[][] {images, oneHot};
    }

    private static double sq(double v) {
        return v * v;
    }

    static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
