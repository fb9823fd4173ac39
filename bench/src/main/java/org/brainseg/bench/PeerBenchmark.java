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
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Adam;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.model.net.UNet3d;
import org.brainseg.model.net.UNetConfig;
import org.brainseg.model.net.UNetFlops;
import org.brainseg.schemas.Normalization;

/**
 * Our U-Net beside the identical network in PyTorch eager ({@link TorchPeer}), one configuration at
 * a time: both build the network and run their warm-up, then each measured round runs one operation
 * of ours and one of the peer's, alternating which goes first, so that a shared machine's load hits
 * both alike. Forward: eval mode, autograd off, tensor from a Java array, softmax, probabilities back
 * to a Java array (as {@code SlidingWindow}). Train: one step as {@link StepBenchmark} (tensors from
 * Java arrays, forward, Dice + CE, backward, Adam).
 *
 * <p>Also measures the machine's peak: an n × n float32 matrix product through our libtorch (DJL
 * {@code NDArray.matMul}) and the peer's, alternating, median GFLOP/s.
 */
public final class PeerBenchmark {
    /** What is timed. */
    public enum Mode {
        FORWARD("forward"),
        TRAIN("train");

        final String id;

        Mode(String id) {
            this.id = id;
        }

        public static Mode parse(String s) {
            for (Mode m : values()) {
                if (m.id.equals(s.trim().toLowerCase(Locale.ROOT))) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown mode '" + s + "' (expected forward or train)");
        }

        @Override
        public String toString() {
            return id;
        }
    }

    /** One row of the table. */
    public record Case(Mode mode, int patch, int batch, Normalization normalization) {}

    /** Medians and every round's times (ms) of one row; load averages (1 min) before and after. */
    public record Row(Case c, double gflop, double[] oursMs, double[] peerMs, double loadBefore, double loadAfter) {
        public double oursMedian() {
            return Stats.median(oursMs);
        }

        public double peerMedian() {
            return Stats.median(peerMs);
        }

        public double ratio() {
            return oursMedian() / peerMedian();
        }
    }

    /** Peak matrix-product throughput, GFLOP/s, median of the alternating repetitions. */
    public record Peak(int n, double[] oursMs, double[] peerMs) {
        public double oursGflops() {
            return gflops(Stats.median(oursMs));
        }

        public double peerGflops() {
            return gflops(Stats.median(peerMs));
        }

        /** The machine's measured peak: the better of the two libtorch builds. */
        public double machineGflops() {
            return Math.max(oursGflops(), peerGflops());
        }

        private double gflops(double ms) {
            return 2.0 * n * n * n / (ms * 1e6);
        }
    }

    private final int depth;
    private final int width;
    private final int threads;
    private final Device device;

    public PeerBenchmark(int depth, int width, int threads) {
        this.depth = depth;
        this.width = width;
        this.threads = threads;
        this.device = EngineSettings.of(org.brainseg.model.engine.DeviceChoice.CPU, threads).apply();
    }

    /** Alternating matrix products, {@code rounds} rounds of one product each side after one warm-up. */
    public Peak peak(TorchPeer peer, int n, int rounds) throws IOException {
        double[] ours = new double[rounds];
        double[] theirs = new double[rounds];
        try (NDManager m = NDManager.newBaseManager(device, EngineSettings.ENGINE)) {
            NDArray a = m.randomNormal(new Shape(n, n));
            NDArray b = m.randomNormal(new Shape(n, n));
            a.matMul(b).close();
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                try (NDArray c = a.matMul(b)) {
                    ours[r] = (System.nanoTime() - t0) / 1e6;
                }
                theirs[r] = peer.matmul(n, 1, threads)[0];
            }
        }
        return new Peak(n, ours, theirs);
    }

    /** Runs one row: both sides set up and warm up, then {@code rounds} alternating rounds. */
    public Row run(TorchPeer peer, Case c, int rounds, int warmup, Consumer<String> progress) throws IOException {
        return run(peer, c, rounds, warmup, null, progress);
    }

    /**
     * As {@link #run(TorchPeer, Case, int, int, Consumer)}; with {@code profileDir}, after the
     * measured rounds one more operation of each side runs under PyTorch's profiler (ours through
     * DJL's {@code JniUtils.startProfile}, the peer's through {@code torch.autograd.profiler}) and
     * writes {@code ours-ROW.json} and {@code peer-ROW.json} (Chrome traces) there.
     */
    public Row run(TorchPeer peer, Case c, int rounds, int warmup, Path profileDir, Consumer<String> progress)
            throws IOException {
        double load0 = LoadAverage.oneMinute();
        UNetConfig arch = UNetConfig.brats(depth, width, c.normalization());
        double gflop = (c.mode() == Mode.TRAIN ? UNetFlops.trainingStep(arch, c.batch(), c.patch(), c.patch(), c.patch())
                : UNetFlops.forward(arch, c.batch(), c.patch(), c.patch(), c.patch())) / 1e9;
        double[] ours = new double[rounds];
        double[] theirs = new double[rounds];
        try (Ours o = new Ours(arch, c)) {
            for (int i = 0; i < warmup; i++) {
                o.once();
            }
            peer.setup(c, depth, width, threads, warmup);
            for (int r = 0; r < rounds; r++) {
                if (r % 2 == 0) {
                    ours[r] = o.once();
                    theirs[r] = peer.run();
                } else {
                    theirs[r] = peer.run();
                    ours[r] = o.once();
                }
                progress.accept(String.format(Locale.ROOT, "%s %d³×%d %s: %.0f vs %.0f ms", c.mode(), c.patch(), c.batch(),
                        c.normalization(), ours[r], theirs[r]));
            }
            if (profileDir != null) {
                String row = String.format(Locale.ROOT, "%s-%d-%d-%s", c.mode().id, c.patch(), c.batch(), c.normalization().wire());
                Files.createDirectories(profileDir);
                JniUtils.startProfile(false, false, false);
                o.once();
                JniUtils.stopProfile(profileDir.resolve("ours-" + row + ".json").toAbsolutePath().toString());
                peer.profile(profileDir.resolve("peer-" + row + ".json"));
            }
        }
        return new Row(c, gflop, ours, theirs, load0, LoadAverage.oneMinute());
    }

    /** Our side of one row: the model, its trainer (train mode) and the seeded input. */
    private final class Ours implements AutoCloseable {
        private final Case c;
        private final Model model;
        private final Trainer trainer;
        private final float[][] input;
        private final Shape shape;
        private final Shape targetShape;

        Ours(UNetConfig arch, Case c) {
            this.c = c;
            int p = c.patch();
            shape = new Shape(c.batch(), arch.inChannels(), p, p, p);
            targetShape = new Shape(c.batch(), arch.classes(), p, p, p);
            input = StepBenchmark.tumourLikeBatch(c.batch(), p, new SplittableRandom(1));
            Engine.getEngine(EngineSettings.ENGINE).setRandomSeed(1);
            UNet3d net = new UNet3d(arch);
            model = Model.newInstance("bench-peer", device, EngineSettings.ENGINE);
            model.setBlock(net);
            net.initialize(model.getNDManager(), DataType.FLOAT32, shape);
            trainer = c.mode() == Mode.TRAIN
                    ? model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(Adam.builder().build())
                            .optDevices(new Device[] {device}))
                    : null;
        }

        /** One operation in milliseconds. */
        double once() {
            long t0 = System.nanoTime();
            if (trainer != null) {
                StepBenchmark.step(model, trainer, input, shape, targetShape);
            } else {
                forward();
            }
            return (System.nanoTime() - t0) / 1e6;
        }

        private void forward() {
            try (EngineSettings.NoGrad ng = EngineSettings.noGrad(); NDManager m = model.getNDManager().newSubManager()) {
                NDArray x = m.create(input[0], shape);
                NDArray logits = model.getBlock().forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
                logits.softmax(1).toFloatArray();
            }
        }

        @Override
        public void close() {
            if (trainer != null) {
                trainer.close();
            }
            model.close();
        }
    }

    /** Every (mode, patch, batch, normalization) in that nesting order, minus the skipped ones. */
    public static List<Case> cases(List<Mode> modes, List<Integer> patches, List<Integer> batches, List<Normalization> norms,
            List<String> skip) {
        List<Case> out = new ArrayList<>();
        for (Mode m : modes) {
            for (int p : patches) {
                for (int b : batches) {
                    if (skip.contains(m.id + ":" + p + ":" + b)) {
                        continue;
                    }
                    for (Normalization n : norms) {
                        out.add(new Case(m, p, b, n));
                    }
                }
            }
        }
        return out;
    }
}
