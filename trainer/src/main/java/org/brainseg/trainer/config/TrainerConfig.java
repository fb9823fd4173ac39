package org.brainseg.trainer.config;

import static org.brainseg.service.config.ConfigException.require;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.brainseg.imaging.preprocess.PreprocessOptions;
import org.brainseg.model.engine.DeviceChoice;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.model.train.TrainingConfig;
import org.brainseg.schemas.Normalization;
import org.brainseg.service.config.ConfigException;
import org.brainseg.service.config.HttpSection;
import org.brainseg.service.config.KafkaSection;

/**
 * The trainer service's whole configuration, validated at start-up (each record checks its own
 * keys and names them in errors). Read by {@link TrainerConfigLoader}; every key is documented in
 * {@code deploy/trainer.example.yaml}.
 *
 * @param kafka the cluster; {@code groupId}: the trainer's on brainseg.training.requests;
 *     {@code maxPollIntervalMs}: the trainer keeps polling while it trains
 * @param http the trainer's HTTP endpoints
 */
public record TrainerConfig(KafkaSection kafka, Registry registry, Gate promotion, HoldOut holdOut, Training training,
        AutoRetrain autoRetrain, Data data, HttpSection http) {

    /**
     * @param root directory of the registry: versions live in {@code <root>/<modelName>/<version>/}
     * @param modelName model name on brainseg.models and in the registry
     * @param keepLatest versions kept on disk besides the active one and its rollback target
     * @param seedShippedModel when the registry and brainseg.models are both empty at start, publish
     *     the shipped default model (models/default) as version 1, active (config default true)
     */
    public record Registry(Path root, String modelName, int keepLatest, boolean seedShippedModel) {
        /** A registry that is never seeded (tests and embedded uses that start empty on purpose). */
        public Registry(Path root, String modelName, int keepLatest) {
            this(root, modelName, keepLatest, false);
        }

        public Registry {
            require(root != null, "registry.root", "is required");
            require(modelName != null && org.brainseg.trainer.registry.ModelRegistry.NAME.matcher(modelName).matches(),
                    "registry.modelName", "must be 1-64 characters [A-Za-z0-9._-] starting alphanumeric, got " + modelName);
            require(keepLatest >= 1 && keepLatest <= 10_000, "registry.keepLatest", "must be 1..10000, got " + keepLatest);
        }
    }

    /** @param tolerance a candidate is promoted when its mean Dice is at least the active one's minus this */
    public record Gate(double tolerance) {
        public Gate {
            require(tolerance >= 0 && tolerance <= 1, "promotion.tolerance", "must be in [0, 1], got " + tolerance);
        }
    }

    /**
     * @param fraction share of a dataset's labelled cases held out for the promotion gate
     * @param seed salts the per-case draw; change it and a different fixed set is held out
     */
    public record HoldOut(double fraction, long seed) {
        public HoldOut {
            require(fraction > 0 && fraction < 1, "holdOut.fraction", "must be in (0, 1), got " + fraction);
        }
    }

    /**
     * Training settings not carried by a request (requests set normalization, epochs and seed; the
     * values here are the defaults of auto-retrain requests).
     */
    public record Training(double spacingMm, int patch, int depth, int baseWidth, int batch, int stepsPerEpoch,
            double learningRate, int epochs, String normalization, long seed, String device, int threads) {
        public Training {
            require(spacingMm >= 0 && spacingMm <= 20, "training.spacingMm", "must be 0 (scan grid) .. 20, got " + spacingMm);
            require(depth >= 1 && depth <= 6, "training.depth", "must be 1..6, got " + depth);
            require(patch >= 8 && patch <= 512 && patch % (1 << (depth - 1)) == 0, "training.patch",
                    "must be 8..512 and a multiple of 2^(depth-1) = " + (1 << (depth - 1)) + ", got " + patch);
            require(baseWidth >= 1 && baseWidth <= 512, "training.baseWidth", "must be 1..512, got " + baseWidth);
            require(batch >= 1 && batch <= 256, "training.batch", "must be 1..256, got " + batch);
            require(stepsPerEpoch >= 1 && stepsPerEpoch <= 1_000_000, "training.stepsPerEpoch",
                    "must be 1..1000000, got " + stepsPerEpoch);
            require(learningRate > 0 && learningRate < 10 && Double.isFinite(learningRate), "training.learningRate",
                    "must be in (0, 10), got " + learningRate);
            require(epochs >= 1 && epochs <= 100_000, "training.epochs", "must be 1..100000, got " + epochs);
            require(seed >= 0, "training.seed", "must be >= 0, got " + seed);
            require(threads >= 0 && threads <= 256, "training.threads", "must be 0..256, got " + threads);
            try {
                Normalization.parse(normalization);
            } catch (RuntimeException e) {
                throw new ConfigException("training.normalization", "unknown normalization " + normalization
                        + " (none, layer, layer-channel, instance, group, batch)");
            }
            try {
                DeviceChoice.parse(device);
            } catch (RuntimeException e) {
                throw new ConfigException("training.device", "must be cpu, gpu or auto, got " + device);
            }
        }

        /** The model module's config for a run with the request's normalization, epochs and seed. */
        public TrainingConfig toTrainingConfig(Normalization n, int runEpochs, long runSeed) {
            return TrainingConfig.builder().normalization(n).epochs(runEpochs).stepsPerEpoch(stepsPerEpoch).seed(runSeed)
                    .patch(patch).depth(depth).baseWidth(baseWidth).batch(batch).learningRate((float) learningRate)
                    .preprocessing(spacingMm > 0 ? PreprocessOptions.isotropic(spacingMm) : PreprocessOptions.onScanGrid())
                    .build();
        }

        public EngineSettings engine() {
            return EngineSettings.of(DeviceChoice.parse(device), threads);
        }
    }

    /**
     * @param afterLabelledScans publish a TrainingRequested after every N ScanArrived carrying a
     *     ground truth (0: off)
     * @param datasetUri the dataset those requests name (where labelled scans are collected)
     */
    public record AutoRetrain(int afterLabelledScans, URI datasetUri) {
        public AutoRetrain {
            require(afterLabelledScans >= 0, "autoRetrain.afterLabelledScans", "must be >= 0, got " + afterLabelledScans);
            require(afterLabelledScans == 0 || datasetUri != null, "autoRetrain.datasetUri",
                    "is required when autoRetrain.afterLabelledScans > 0");
        }

        public boolean enabled() {
            return afterLabelledScans > 0;
        }
    }

    /** @param roots directories datasets may be read from; empty: any local directory */
    public record Data(List<Path> roots) {
        public Data {
            roots = roots == null ? List.of() : List.copyOf(roots);
        }
    }
}
