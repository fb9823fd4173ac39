package org.brainseg.cli.command;

import org.brainseg.imaging.preprocess.PreprocessOptions;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.model.train.TrainingConfig;
import org.brainseg.schemas.Normalization;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Training options shared by {@code train} and {@code experiment}: one schedule, one architecture. */
public final class TrainingOptions {
    @Option(names = "--epochs", defaultValue = "20", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--steps-per-epoch", defaultValue = "50", description = "Optimizer steps per epoch (default: ${DEFAULT-VALUE}).")
    int stepsPerEpoch;

    @Option(names = "--spacing", defaultValue = "2.0",
            description = "Resample to this isotropic spacing in mm; 0 keeps each scan's grid (default: ${DEFAULT-VALUE}).")
    double spacing;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of weights, split, patches (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--patch", defaultValue = "64", description = "Cubic patch edge in voxels (default: ${DEFAULT-VALUE}).")
    int patch;

    @Option(names = "--depth", defaultValue = "3", description = "U-Net levels (default: ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--width", defaultValue = "16",
            description = "Channels at the first level; the shipped model's (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--batch", defaultValue = "2", description = "Patches per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Adam's initial learning rate (default: ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--patience", defaultValue = "0",
            description = "Stop after this many epochs without a better validation Dice; 0 = never (default).")
    int patience;

    @Option(names = "--val-fraction", defaultValue = "0.2", description = "Share of cases held out (default: ${DEFAULT-VALUE}).")
    double valFraction;

    @Mixin
    EngineOptions engine;

    /** The training configuration these options describe, with the given normalization. */
    TrainingConfig config(Normalization normalization) {
        return TrainingConfig.builder().normalization(normalization).epochs(epochs)
                .stepsPerEpoch(stepsPerEpoch).seed(seed).patch(patch).depth(depth).baseWidth(width).batch(batch)
                .learningRate(learningRate).patience(patience)
                .preprocessing(spacing > 0 ? PreprocessOptions.isotropic(spacing) : PreprocessOptions.onScanGrid())
                .build();
    }

    EngineSettings engine() {
        return engine.settings();
    }
}
