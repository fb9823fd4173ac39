package org.brainseg.model.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How brainseg uses the DJL PyTorch engine: device and thread counts.
 *
 * <p>Natives come from the {@code pytorch-native-cpu} jar on the class path (or
 * {@code pytorch-native-cu124} with the Maven profile {@code cuda}); run with
 * {@code -Dai.djl.offline=true} so that nothing is ever downloaded.
 *
 * @param device cpu, gpu or auto
 * @param intraOpThreads threads one operator may use (PyTorch {@code set_num_threads}); default:
 *     the available processors
 * @param interOpThreads threads running independent operators; brainseg's graph is sequential, so
 *     default 1. Takes effect only if set before the engine first loads.
 */
public record EngineSettings(DeviceChoice device, int intraOpThreads, int interOpThreads) {
    private static final Logger LOG = LoggerFactory.getLogger(EngineSettings.class);
    /** The engine brainseg runs on. */
    public static final String ENGINE = "PyTorch";

    public EngineSettings {
        Objects.requireNonNull(device, "device");
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intra-op threads must be at least 1, got " + intraOpThreads);
        }
        if (interOpThreads < 1) {
            throw new IllegalArgumentException("inter-op threads must be at least 1, got " + interOpThreads);
        }
    }

    /** CPU, one intra-op thread per available processor, one inter-op thread. */
    public static EngineSettings defaults() {
        return of(DeviceChoice.CPU, 0);
    }

    /** Settings with {@code threads} intra-op threads, or the processor count when {@code threads <= 0}. */
    public static EngineSettings of(DeviceChoice device, int threads) {
        return new EngineSettings(device, threads > 0 ? threads : Runtime.getRuntime().availableProcessors(), 1);
    }

    /**
     * Loads the engine with these thread counts and resolves the device.
     *
     * @throws IllegalArgumentException for {@code gpu} when PyTorch sees no GPU
     */
    public Device apply() {
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", Integer.toString(interOpThreads));
        }
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(intraOpThreads));
        Engine engine = Engine.getEngine(ENGINE);
        if (JniUtils.getNumThreads() != intraOpThreads) {
            JniUtils.setNumThreads(intraOpThreads);
        }
        Device resolved = resolve(device, engine.getGpuCount());
        LOG.debug("PyTorch engine {} on {}, {} intra-op / {} inter-op threads", engine.getVersion(), resolved,
                JniUtils.getNumThreads(), JniUtils.getNumInteropThreads());
        return resolved;
    }

    /**
     * The device a choice means when PyTorch sees {@code gpus} GPUs: {@code cpu} always the CPU,
     * {@code gpu} the first GPU (CUDA with the {@code cuda} profile's natives), {@code auto} the first
     * GPU if there is one, else the CPU.
     *
     * @throws IllegalArgumentException for {@code gpu} when there is none, saying how to get one
     */
    public static Device resolve(DeviceChoice choice, int gpus) {
        return switch (choice) {
            case CPU -> Device.cpu();
            case GPU -> {
                if (gpus <= 0) {
                    throw new IllegalArgumentException("device gpu requested but PyTorch sees no GPU (CPU natives on the "
                            + "class path? build with -Pcuda)");
                }
                yield Device.gpu();
            }
            case AUTO -> gpus > 0 ? Device.gpu() : Device.cpu();
        };
    }

    /**
     * Turns PyTorch's autograd recording off for the calling thread until closed (as
     * {@code torch.no_grad()}): inference must not build a graph, and a fresh thread records by default.
     */
    public static NoGrad noGrad() {
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        return new NoGrad(previous);
    }

    /** Restores the previous autograd mode on close. */
    public static final class NoGrad implements AutoCloseable {
        private final boolean previous;

        private NoGrad(boolean previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            JniUtils.setGradMode(previous);
        }
    }
}
