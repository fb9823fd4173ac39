package org.brainseg.model.train;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.brainseg.imaging.preprocess.PreprocessOptions;
import org.brainseg.model.net.UNetConfig;
import org.brainseg.schemas.Normalization;

/**
 * Everything that defines a training run; two runs with equal configs (and thread counts) on the
 * same CPU give the same loss sequence. Build with {@link #builder()}; the defaults train a small
 * LN U-Net on two CPU cores in minutes at 2 mm spacing.
 *
 * @param depth U-Net levels (default 3)
 * @param baseWidth channels at the first level (default 8)
 * @param normalization default {@code layer}
 * @param patch cubic patch edge in voxels, a multiple of 2^(depth-1) (default 64)
 * @param batch patches per optimizer step (default 2)
 * @param epochs default 20
 * @param stepsPerEpoch optimizer steps per epoch (default 50)
 * @param learningRate Adam's initial rate (default 1e-3)
 * @param schedule decay of the rate over all steps (default poly)
 * @param seed seeds weights, patch sampling and augmentation (default 42)
 * @param foregroundFraction share of patches centred on a tumour voxel (default 1/3)
 * @param augmentation flips and intensity changes
 * @param patience stop after this many epochs without a better validation score; 0 = never (default)
 * @param windowBatch windows per forward pass in validation (default 2)
 * @param preprocessing crop margin and spacing the cases were (and scans will be) preprocessed with
 */
public record TrainingConfig(
        int depth,
        int baseWidth,
        Normalization normalization,
        int patch,
        int batch,
        int epochs,
        int stepsPerEpoch,
        float learningRate,
        LrSchedule schedule,
        long seed,
        double foregroundFraction,
        Augmentation augmentation,
        int patience,
        int windowBatch,
        PreprocessOptions preprocessing) {

    public TrainingConfig {
        Objects.requireNonNull(normalization, "normalization");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(augmentation, "augmentation");
        Objects.requireNonNull(preprocessing, "preprocessing");
        UNetConfig arch = UNetConfig.brats(depth, baseWidth, normalization);
        if (patch < 1) {
            throw new IllegalArgumentException("patch must be positive, got " + patch);
        }
        try {
            arch.checkSpatialSize(patch);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("patch " + patch + ": " + e.getMessage(), e);
        }
        positive("batch", batch);
        positive("epochs", epochs);
        positive("stepsPerEpoch", stepsPerEpoch);
        positive("windowBatch", windowBatch);
        if (!(learningRate > 0) || !Float.isFinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be positive, got " + learningRate);
        }
        if (foregroundFraction < 0 || foregroundFraction > 1) {
            throw new IllegalArgumentException("foregroundFraction must be in [0, 1], got " + foregroundFraction);
        }
        if (patience < 0) {
            throw new IllegalArgumentException("patience must be >= 0, got " + patience);
        }
    }

    private static void positive(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + v);
        }
    }

    public UNetConfig architecture() {
        return UNetConfig.brats(depth, baseWidth, normalization);
    }

    public int totalSteps() {
        return epochs * stepsPerEpoch;
    }

    /** The same run with another normalization (the LN-vs-none experiment's variants). */
    public TrainingConfig withNormalization(Normalization n) {
        return toBuilder().normalization(n).build();
    }

    /** The settings as a flat map for model.json and reports. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("depth", depth);
        m.put("baseWidth", baseWidth);
        m.put("normalization", normalization.wire());
        m.put("patch", patch);
        m.put("batch", batch);
        m.put("epochs", epochs);
        m.put("stepsPerEpoch", stepsPerEpoch);
        m.put("learningRate", learningRate);
        m.put("schedule", schedule.name().toLowerCase(java.util.Locale.ROOT));
        m.put("optimizer", "adam");
        m.put("loss", "cross-entropy + (1 - batch soft Dice over foreground classes)");
        m.put("seed", seed);
        m.put("foregroundFraction", foregroundFraction);
        m.put("flipProbability", augmentation.flipProbability());
        m.put("intensityScale", augmentation.intensityScale());
        m.put("intensityShift", augmentation.intensityShift());
        m.put("patience", patience);
        m.put("cropMargin", preprocessing.margin());
        m.put("spacingMm", preprocessing.targetSpacing());
        return m;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().depth(depth).baseWidth(baseWidth).normalization(normalization).patch(patch).batch(batch)
                .epochs(epochs).stepsPerEpoch(stepsPerEpoch).learningRate(learningRate).schedule(schedule).seed(seed)
                .foregroundFraction(foregroundFraction).augmentation(augmentation).patience(patience)
                .windowBatch(windowBatch).preprocessing(preprocessing);
    }

    /** Builder with the defaults listed on {@link TrainingConfig}. */
    public static final class Builder {
        private int depth = UNetConfig.DEFAULT_DEPTH;
        private int baseWidth = UNetConfig.DEFAULT_BASE_WIDTH;
        private Normalization normalization = Normalization.LAYER;
        private int patch = 64;
        private int batch = 2;
        private int epochs = 20;
        private int stepsPerEpoch = 50;
        private float learningRate = 1e-3f;
        private LrSchedule schedule = LrSchedule.POLY;
        private long seed = 42;
        private double foregroundFraction = 1.0 / 3;
        private Augmentation augmentation = Augmentation.defaults();
        private int patience;
        private int windowBatch = 2;
        private PreprocessOptions preprocessing = PreprocessOptions.isotropic(2.0);

        public Builder depth(int v) {
            depth = v;
            return this;
        }

        public Builder baseWidth(int v) {
            baseWidth = v;
            return this;
        }

        public Builder normalization(Normalization v) {
            normalization = v;
            return this;
        }

        public Builder patch(int v) {
            patch = v;
            return this;
        }

        public Builder batch(int v) {
            batch = v;
            return this;
        }

        public Builder epochs(int v) {
            epochs = v;
            return this;
        }

        public Builder stepsPerEpoch(int v) {
            stepsPerEpoch = v;
            return this;
        }

        public Builder learningRate(float v) {
            learningRate = v;
            return this;
        }

        public Builder schedule(LrSchedule v) {
            schedule = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder foregroundFraction(double v) {
            foregroundFraction = v;
            return this;
        }

        public Builder augmentation(Augmentation v) {
            augmentation = v;
            return this;
        }

        public Builder patience(int v) {
            patience = v;
            return this;
        }

        public Builder windowBatch(int v) {
            windowBatch = v;
            return this;
        }

        public Builder preprocessing(PreprocessOptions v) {
            preprocessing = v;
            return this;
        }

        public TrainingConfig build() {
            return new TrainingConfig(depth, baseWidth, normalization, patch, batch, epochs, stepsPerEpoch, learningRate,
                    schedule, seed, foregroundFraction, augmentation, patience, windowBatch, preprocessing);
        }
    }
}
