package org.brainseg.model.check;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.brainseg.imaging.io.JsonMappers;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.model.net.UNet3d;
import org.brainseg.model.net.UNetConfig;
import org.brainseg.schemas.Normalization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A numerics self-check of the engine on this machine: the real {@link UNet3d} (depth 2, width 8,
 * so that convolutions have 8 and 16 output channels, every normalization) runs an inference
 * forward pass and a training forward and backward pass on a (2, 4, 16, 16, 16) input, and the
 * output and every parameter's gradient are compared, as small fingerprints (L2 norm and two fixed
 * projections), with a reference computed in float64 by another implementation (Debian's PyTorch
 * 1.13 through {@code torch_reference.py}, without oneDNN) and stored in the jar.
 *
 * <p>It exists because a native kernel can be wrong on one CPU and right on the next: PyTorch
 * 2.5.1's oneDNN gave wrong, often NaN, input gradients for 3×3×3 convolutions with 8 output
 * channels on AMD Zen 5 (see {@link org.brainseg.model.net.BlockAlignedConv3d}). {@code brainseg
 * doctor} prints the report; the worker and trainer refuse to start when it fails. About a second
 * on two cores.
 */
public final class NumericsCheck {
    private static final Logger LOG = LoggerFactory.getLogger(NumericsCheck.class);
    /** The stored reference, a resource beside this class. */
    public static final String REFERENCE = "numerics-reference.json";
    /**
     * Largest accepted relative error of any tensor. Correct float32 runs stay below 1e-5 except
     * where float32 and float64 decide a kink differently (a max-pooling near-tie or a LeakyReLU
     * input within rounding of 0 sends one voxel's gradient elsewhere): 1.3e-2 was seen on an
     * 8-element γ gradient with one thread. The oneDNN bug gave 0.1 to NaN on most tensors.
     */
    public static final double TOLERANCE = 5e-2;
    static final int DEPTH = 2;
    static final int WIDTH = 8;
    static final Shape INPUT = new Shape(2, 4, 16, 16, 16);
    /** Errors are relative to a tensor's norm, or to this fraction of the largest norm if that is more. */
    static final double FLOOR = 1e-2;

    private NumericsCheck() {}

    /** One normalization's comparison. */
    public record Result(Normalization normalization, double worstError, String worstTensor, boolean finite) {
        public boolean passed() {
            return finite && worstError <= TOLERANCE;
        }
    }

    /** The whole check. */
    public record Report(List<Result> results, double seconds) {
        public boolean passed() {
            return results.stream().allMatch(Result::passed);
        }

        /** The largest relative error over all normalizations (infinite when a value was not finite). */
        public double worstError() {
            return results.stream().mapToDouble(r -> r.finite() ? r.worstError() : Double.POSITIVE_INFINITY).max().orElse(0);
        }

        /** Null when passed; else one line naming the first failure. */
        public String reason() {
            for (Result r : results) {
                if (!r.passed()) {
                    String what = r.finite()
                            ? String.format(Locale.ROOT, "differs from the float64 reference by %.3g (tolerance %.0e)",
                                    r.worstError(), TOLERANCE)
                            : "is not finite (NaN or infinity)";
                    return "numerics check failed: " + r.normalization().wire() + " U-Net " + r.worstTensor() + " " + what;
                }
            }
            return null;
        }
    }

    /** The U-Net the check runs, initialized with {@link DeterministicTensors#parameter} values on {@code m}. */
    public static UNet3d network(Normalization normalization, NDManager m) {
        UNet3d net = new UNet3d(UNetConfig.brats(DEPTH, WIDTH, normalization));
        net.initialize(m, DataType.FLOAT32, INPUT);
        for (Pair<String, Parameter> p : net.getParameters()) {
            NDArray a = p.getValue().getArray();
            a.set(FloatBuffer.wrap(DeterministicTensors.parameter(p.getKey(), a.getShape().getShape())));
        }
        return net;
    }

    /** The input and the upstream gradient (the loss is sum(output × upstream)). */
    public static float[] input() {
        return DeterministicTensors.uniform("input", (int) INPUT.size());
    }

    public static float[] upstream() {
        return DeterministicTensors.uniform("upstream", (int) INPUT.size());
    }

    /**
     * Fingerprints of this engine's float32 results: {@code inference} (forward, autograd off, eval
     * mode), {@code output} (forward in training mode) and {@code grad:NAME} for the input and every
     * trainable parameter.
     */
    public static Map<String, double[]> fingerprints(Normalization normalization, Device device) {
        Map<String, double[]> out = new LinkedHashMap<>();
        boolean gradMode = JniUtils.isGradMode();
        try (NDManager m = NDManager.newBaseManager(device, EngineSettings.ENGINE)) {
            UNet3d net = network(normalization, m);
            float[] x = input();
            try (NDManager step = m.newSubManager(); EngineSettings.NoGrad ignored = EngineSettings.noGrad()) {
                NDArray y = net.forward(new ParameterStore(step, false), new NDList(step.create(x, INPUT)), false)
                        .singletonOrThrow();
                out.put("inference", DeterministicTensors.fingerprint("inference", y.toFloatArray()));
            }
            JniUtils.setGradMode(true);
            try (NDManager step = m.newSubManager()) {
                List<Pair<String, NDArray>> trainable = new ArrayList<>();
                for (Pair<String, Parameter> p : net.getParameters()) {
                    if (p.getValue().requiresGradient()) {
                        NDArray a = p.getValue().getArray();
                        a.setRequiresGradient(true);
                        trainable.add(new Pair<>(p.getKey(), a));
                    }
                }
                NDArray xa = step.create(x, INPUT);
                xa.setRequiresGradient(true);
                NDArray y;
                try (GradientCollector gc = Engine.getEngine(EngineSettings.ENGINE).newGradientCollector()) {
                    y = net.forward(new ParameterStore(step, false), new NDList(xa), true).singletonOrThrow();
                    gc.backward(y.mul(step.create(upstream(), INPUT)).sum());
                }
                out.put("output", DeterministicTensors.fingerprint("output", y.toFloatArray()));
                out.put("grad:input", DeterministicTensors.fingerprint("grad:input", xa.getGradient().toFloatArray()));
                for (Pair<String, NDArray> p : trainable) {
                    String key = "grad:" + p.getKey();
                    out.put(key, DeterministicTensors.fingerprint(key, p.getValue().getGradient().toFloatArray()));
                }
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        return out;
    }

    /** What to try when the check fails, for the one-line messages of doctor and the services. */
    public static final String WORKAROUND = "workaround: set ONEDNN_MAX_CPU_ISA=AVX2 (or SSE41) in the environment "
            + "and run 'brainseg doctor' again; please report the CPU model it prints";

    /**
     * The services' start-up gate: sets the engine up, runs the check and returns the report when it
     * passes; otherwise throws with the reason and the work-around, so that a worker never publishes
     * masks, and a trainer never publishes a model, computed with wrong numbers.
     *
     * @throws IllegalStateException when the check fails
     */
    public static Report requirePassing(EngineSettings engine) {
        Device device = engine.apply();
        Report report = run(device);
        if (!report.passed()) {
            throw new IllegalStateException(report.reason() + "; " + WORKAROUND);
        }
        LOG.info("numerics check passed on {} in {} s: U-Net forward and gradients for {} normalizations agree with the "
                + "float64 reference (worst relative error {})", device, String.format(Locale.ROOT, "%.1f", report.seconds()),
                report.results().size(), String.format(Locale.ROOT, "%.1e", report.worstError()));
        return report;
    }

    /** Runs every normalization on {@code device} (the engine already set up) against the stored reference. */
    public static Report run(Device device) {
        long t0 = System.nanoTime();
        JsonNode reference = loadReference();
        List<Result> results = new ArrayList<>();
        for (Normalization n : Normalization.values()) {
            results.add(compare(n, fingerprints(n, device), reference.path("normalizations").path(n.wire())));
        }
        return new Report(results, (System.nanoTime() - t0) / 1e9);
    }

    static Result compare(Normalization n, Map<String, double[]> actual, JsonNode expected) {
        if (expected.isMissingNode() || expected.size() != actual.size()) {
            throw new IllegalStateException("the stored numerics reference has " + expected.size() + " tensors for "
                    + n.wire() + ", the network " + actual.size() + ": regenerate " + REFERENCE);
        }
        double largest = 0;
        for (JsonNode ref : expected) {
            largest = Math.max(largest, ref.path(0).asDouble());
        }
        double worst = 0;
        String worstKey = "";
        boolean finite = true;
        for (Map.Entry<String, double[]> e : actual.entrySet()) {
            JsonNode ref = expected.path(e.getKey());
            if (ref.size() != 4) {
                throw new IllegalStateException("the stored numerics reference lacks " + e.getKey() + " for " + n.wire());
            }
            double[] a = e.getValue();
            for (double v : a) {
                finite &= Double.isFinite(v);
            }
            double err = error(a, ref, FLOOR * largest);
            if (!(err <= worst)) {
                worst = err;
                worstKey = e.getKey();
            }
        }
        return new Result(n, worst, worstKey, finite);
    }

    /**
     * Relative error of a fingerprint against the stored [norm, p0, p1, size], relative to the
     * tensor's norm but at least {@code floor}: a bias followed by instance, group or batch
     * normalization has a gradient that is zero in exact arithmetic, and rounding noise relative to
     * zero is meaningless.
     */
    static double error(double[] actual, JsonNode ref, double floor) {
        double norm = ref.get(0).asDouble();
        double scale = Math.max(Math.max(norm, floor), 1e-30);
        double err = Math.abs(actual[0] - norm) / scale;
        // An error vector e moves a projection onto r (uniform in [-1, 1), rms 1/sqrt(3)) by about |e|/sqrt(3).
        double projScale = scale / Math.sqrt(3.0);
        for (int k = 0; k < 2; k++) {
            err = Math.max(err, Math.abs(actual[k + 1] - ref.get(k + 1).asDouble()) / projScale);
        }
        return Double.isNaN(err) ? Double.POSITIVE_INFINITY : err;
    }

    static JsonNode loadReference() {
        try (InputStream in = NumericsCheck.class.getResourceAsStream(REFERENCE)) {
            if (in == null) {
                throw new IllegalStateException(REFERENCE + " is missing from the class path");
            }
            return JsonMappers.plain().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + REFERENCE, e);
        }
    }
}
