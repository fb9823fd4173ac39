package org.brainseg.worker.config;

import static org.brainseg.service.config.ConfigException.require;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.brainseg.service.config.HttpSection;
import org.brainseg.service.config.KafkaSection;

/**
 * The worker's whole configuration, validated at start-up (each record checks its own keys and
 * names them in errors). Each component receives only its part.
 *
 * @param kafka the cluster; {@code groupId}: of all workers; {@code transactionalId}: by default
 *     {@code brainseg-worker-<hostname>}; {@code maxPollIntervalMs}: longer than a scan's inference
 * @param http the worker's HTTP endpoints
 */
public record WorkerConfig(KafkaSection kafka, Store store, Model model, Inference inference, HttpSection http, Retry retry) {

    /**
     * @param inputRoots directories scans may be read from
     * @param outputRoot directory masks are written under
     */
    public record Store(List<Path> inputRoots, Path outputRoot) {
        public Store {
            require(inputRoots != null && !inputRoots.isEmpty(), "store.inputRoots", "needs at least one directory");
            require(outputRoot != null, "store.outputRoot", "is required");
            inputRoots = List.copyOf(inputRoots);
        }
    }

    /**
     * Which model the worker serves. Exactly one mode: with {@code directory} set, that version
     * directory is served pinned (nothing is followed); otherwise the worker follows
     * {@code brainseg.models} for {@code name} and loads each active version from under
     * {@code registryRoot} (artifact URIs outside it are refused).
     *
     * @param name model name followed on brainseg.models (default brainseg)
     * @param directory a model version directory to serve pinned (params + model.json), or null to follow
     * @param registryRoot directory every followed version must lie under, or null when pinned
     * @param device cpu, gpu or auto
     */
    public record Model(String name, Path directory, Path registryRoot, String device) {
        /** Model names as on brainseg.models and in the registry's directory names. */
        public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
        public static final String DEFAULT_NAME = "brainseg";

        public Model {
            require(name != null && NAME.matcher(name).matches(), "model.name",
                    "must be 1-64 characters [A-Za-z0-9._-] starting with a letter or digit, got " + quote(name));
            require(directory != null || registryRoot != null, "model.registryRoot",
                    "is required to follow brainseg.models (or set model.directory to serve one version pinned)");
            require(directory == null || registryRoot == null, "model.directory",
                    "and model.registryRoot are exclusive: model.directory serves one version pinned, model.registryRoot "
                            + "follows brainseg.models; set only one");
            if (registryRoot != null) {
                Path abs = registryRoot.toAbsolutePath().normalize();
                require(abs.getParent() != null, "model.registryRoot",
                        "must not be the file system root (it would confine nothing), got " + registryRoot);
            }
            require(device != null && List.of("cpu", "gpu", "auto").contains(device), "model.device",
                    "must be cpu, gpu or auto, got " + device);
        }

        /** Serves {@code directory} pinned under the default name. */
        public Model(Path directory, String device) {
            this(DEFAULT_NAME, directory, null, device);
        }

        /** Follows {@code name} on brainseg.models, loading versions from under {@code registryRoot}. */
        public static Model following(String name, Path registryRoot, String device) {
            return new Model(name, null, registryRoot, device);
        }

        /** Whether the worker follows brainseg.models (else it serves {@link #directory()} pinned). */
        public boolean follows() {
            return directory == null;
        }
    }

    /**
     * @param threads scans in the model at once (as many again load, write and score beside them, within maxInFlight)
     * @param maxInFlight scans taken from Kafka and not yet committed; partitions pause above it
     * @param tta flip test-time augmentation
     * @param intraOpThreads PyTorch intra-op threads per inference (0: cores / threads)
     * @param quality estimate each mask's quality without ground truth (a second, mirrored pass; the input guard)
     * @param reviewBelowWt needsReview when the predicted WT Dice is below this
     */
    public record Inference(int threads, int maxInFlight, boolean tta, int intraOpThreads, boolean quality,
            double reviewBelowWt) {
        /** Without the quality estimate (tests and benchmarks that measure the segmentation alone). */
        public Inference(int threads, int maxInFlight, boolean tta, int intraOpThreads) {
            this(threads, maxInFlight, tta, intraOpThreads, false, 0.8);
        }

        public Inference {
            require(reviewBelowWt >= 0 && reviewBelowWt <= 1, "inference.reviewBelowWt", "must be in [0, 1], got "
                    + reviewBelowWt);
            require(threads >= 1 && threads <= 64, "inference.threads", "must be 1..64, got " + threads);
            require(maxInFlight >= threads && maxInFlight <= 10_000, "inference.maxInFlight",
                    "must be between inference.threads (" + threads + ") and 10000, got " + maxInFlight);
            require(intraOpThreads >= 0 && intraOpThreads <= 256, "inference.intraOpThreads", "must be 0..256, got " + intraOpThreads);
        }
    }

    /**
     * @param maxAttempts attempts for a transient fault (I/O error, disk full) before ScanFailed
     * @param initialBackoffMs first wait, doubled each attempt
     * @param maxBackoffMs cap on the wait
     */
    public record Retry(int maxAttempts, long initialBackoffMs, long maxBackoffMs) {
        public Retry {
            require(maxAttempts >= 1 && maxAttempts <= 100, "retry.maxAttempts", "must be 1..100, got " + maxAttempts);
            require(initialBackoffMs >= 1, "retry.initialBackoffMs", "must be at least 1, got " + initialBackoffMs);
            require(maxBackoffMs >= initialBackoffMs, "retry.maxBackoffMs", "must be at least retry.initialBackoffMs");
        }

        /** Wait before attempt {@code attempt} (2, 3, ...). */
        public long backoffMs(int attempt) {
            long b = initialBackoffMs << Math.min(20, Math.max(0, attempt - 2));
            return Math.min(maxBackoffMs, b);
        }
    }

    /**
     * A worker on this machine reading scans under {@code inputRoot}: group {@code brainseg-workers},
     * the model on the CPU, HTTP on a free loopback port, short retries. For the local benchmarks,
     * the demo and the integration tests.
     *
     * @param intraOpThreads PyTorch threads per inference (0: cores / threads)
     */
    public static WorkerConfig local(String bootstrapServers, String transactionalId, Path inputRoot, Path outputRoot,
            Path modelDir, int threads, int maxInFlight, int intraOpThreads) {
        return new WorkerConfig(
                new KafkaSection(bootstrapServers, "brainseg-workers", transactionalId, 60_000, Map.of()),
                new Store(List.of(inputRoot), outputRoot),
                new Model(modelDir, "cpu"),
                new Inference(threads, maxInFlight, false, intraOpThreads),
                new HttpSection("127.0.0.1", 0),
                new Retry(3, 20, 200));
    }

    /** The same configuration with the quality estimate on or off. */
    public WorkerConfig withQuality(boolean on) {
        return new WorkerConfig(kafka, store, model, new Inference(inference.threads(), inference.maxInFlight(),
                inference.tta(), inference.intraOpThreads(), on, inference.reviewBelowWt()), http, retry);
    }

    /** The same configuration serving {@code m}. */
    public WorkerConfig withModel(Model m) {
        return new WorkerConfig(kafka, store, m, inference, http, retry);
    }

    private static String quote(String s) {
        return s == null ? "nothing" : "'" + s + "'";
    }
}
