package org.brainseg.model.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Adam;
import org.brainseg.model.engine.DeviceChoice;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.model.net.Normalization;
import org.brainseg.model.net.UNet3d;
import org.brainseg.model.net.UNetConfig;
import org.brainseg.model.train.DiceCeLoss;

/** Manual benchmark: java -cp ... StepBench norm patch width depth batch steps. */
public final class StepBench {
    public static void main(String[] args) {
        Normalization norm = Normalization.parse(args[0]);
        int p = Integer.parseInt(args[1]);
        int width = Integer.parseInt(args[2]);
        int depth = Integer.parseInt(args[3]);
        int batch = Integer.parseInt(args[4]);
        int steps = Integer.parseInt(args[5]);
        Device device = EngineSettings.of(DeviceChoice.parse(args.length > 6 ? args[6] : "cpu"), args.length > 7 ? Integer.parseInt(args[7]) : 0).apply();
        UNet3d net = new UNet3d(UNetConfig.brats(depth, width, norm));
        Shape shape = new Shape(batch, 4, p, p, p);
        try (Model model = Model.newInstance("bench", device, "PyTorch")) {
            model.setBlock(net);
            net.initialize(model.getNDManager(), DataType.FLOAT32, shape);
            try (Trainer t = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(Adam.builder().build())
                    .optDevices(new Device[] {device}))) {
                double fwd = 0;
                double total = 0;
                for (int i = 0; i <= steps; i++) {
                    try (NDManager sm = model.getNDManager().newSubManager()) {
                        NDArray x = sm.randomNormal(shape);
                        NDArray y = sm.zeros(shape);
                        long t0 = System.nanoTime();
                        long t1;
                        try (GradientCollector gc = t.newGradientCollector()) {
                            NDArray out = t.forward(new NDList(x)).singletonOrThrow();
                            NDArray l = DiceCeLoss.compute(out, y);
                            l.getFloat();
                            t1 = System.nanoTime();
                            gc.backward(l);
                        }
                        t.step();
                        long t2 = System.nanoTime();
                        if (i > 0) {
                            fwd += (t1 - t0) / 1e9;
                            total += (t2 - t0) / 1e9;
                        }
                    }
                }
                System.out.printf("%s patch %d width %d depth %d batch %d on %s: forward %.3f s, step %.3f s%n", norm, p,
                        width, depth, batch, device, fwd / steps, total / steps);
            }
        }
    }
}
