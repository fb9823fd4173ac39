package org.brainseg.model.bundle;

import java.util.List;
import java.util.Objects;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.imaging.labels.Region;
import org.brainseg.imaging.labels.TumourLabel;

/**
 * Everything brainseg does around a network someone else trained (a MONAI bundle or a bare
 * TorchScript), declared by the artifact and never guessed: which modality goes into which input
 * channel, how intensities are normalized, on which grid the network runs, how the sliding window
 * covers the scan, and how the output becomes BraTS labels.
 *
 * @param name the model's name (the bundle's, or the override file's)
 * @param version the model's version as its authors number it
 * @param description what it is, from metadata.json (may be empty)
 * @param intendedUse its authors' statement of intended use (may be empty)
 * @param channels the modality of each input channel, in the network's order
 * @param intensity how each channel's intensities are normalized before the network
 * @param spacingMm the voxel size the network expects, or null to run on the scan's own grid
 * @param window the sliding window
 * @param output what the network's output channels mean
 */
public record BundleContract(String name, String version, String description, String intendedUse, List<Modality> channels,
        Intensity intensity, double[] spacingMm, Window window, Output output) {

    public BundleContract {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        description = description == null ? "" : description;
        intendedUse = intendedUse == null ? "" : intendedUse;
        channels = List.copyOf(channels);
        if (channels.size() != 4 || channels.stream().distinct().count() != 4) {
            throw new IllegalArgumentException("channels must name T1, T1ce, T2 and FLAIR once each, got " + channels);
        }
        Objects.requireNonNull(intensity, "intensity");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(output, "output");
        if (spacingMm != null) {
            if (spacingMm.length != 3) {
                throw new IllegalArgumentException("spacingMm must have 3 values, got " + spacingMm.length);
            }
            for (double s : spacingMm) {
                if (!(s > 0 && s <= 20)) {
                    throw new IllegalArgumentException("spacingMm must be in (0, 20] mm, got " + s);
                }
            }
            spacingMm = spacingMm.clone();
        }
    }

    /** How intensities are normalized, per input channel. */
    public enum Intensity {
        /** MONAI's {@code NormalizeIntensityd(nonzero=True, channel_wise=True)}: z-score over the channel's nonzero voxels, zeros kept. */
        NONZERO_CHANNEL_WISE,
        /** brainseg's own: z-score inside the brain mask (the native models'). */
        BRAIN_ZSCORE
    }

    /** How overlapping windows are blended (MONAI's {@code SlidingWindowInferer.mode}). */
    public enum Blend {
        CONSTANT,
        GAUSSIAN
    }

    /**
     * @param roi window edge per axis in voxels
     * @param overlap fraction of a window shared with its neighbour, in [0, 1)
     * @param blend how overlapping predictions are averaged
     * @param batch windows per forward pass
     */
    public record Window(int[] roi, double overlap, Blend blend, int batch) {
        public Window {
            if (roi == null || roi.length != 3) {
                throw new IllegalArgumentException("roi must have 3 values");
            }
            for (int r : roi) {
                if (r < 1 || r > 1024) {
                    throw new IllegalArgumentException("roi values must be 1..1024, got " + r);
                }
            }
            roi = roi.clone();
            if (!(overlap >= 0 && overlap < 1)) {
                throw new IllegalArgumentException("overlap must be in [0, 1), got " + overlap);
            }
            Objects.requireNonNull(blend, "blend");
            if (batch < 1 || batch > 64) {
                throw new IllegalArgumentException("window batch must be 1..64, got " + batch);
            }
        }
    }

    /** What the output channels mean and how they become labels. */
    public sealed interface Output permits SigmoidRegions, SoftmaxLabels {
        /** Output channels the network must produce. */
        int channels();

        /** The internal label (0 background, 1 NCR/NET, 2 edema, 3 enhancing) of a voxel from its output values. */
        int label(float[] values);
    }

    /**
     * Independent sigmoids over nested regions, thresholded; labels by MONAI's rule: enhancing where
     * ET, else NCR/NET where TC, else edema where WT.
     *
     * @param regions the region of each output channel
     * @param threshold probability at or above which a voxel is in the region
     */
    public record SigmoidRegions(List<Region> regions, double threshold) implements Output {
        public SigmoidRegions {
            regions = List.copyOf(regions);
            if (regions.size() != 3 || regions.stream().distinct().count() != 3) {
                throw new IllegalArgumentException("a sigmoid output needs the regions TC, WT and ET once each, got " + regions);
            }
            if (!(threshold > 0 && threshold < 1)) {
                throw new IllegalArgumentException("threshold must be in (0, 1), got " + threshold);
            }
        }

        @Override
        public int channels() {
            return regions.size();
        }

        /** MONAI's BraTS rule: enhancing where ET, else NCR/NET where TC, else edema where WT, else background. */
        @Override
        public int label(float[] probabilities) {
            if (probabilities[regions.indexOf(Region.ET)] >= threshold) {
                return TumourLabel.ENHANCING.internal();
            }
            if (probabilities[regions.indexOf(Region.TC)] >= threshold) {
                return TumourLabel.NCR_NET.internal();
            }
            if (probabilities[regions.indexOf(Region.WT)] >= threshold) {
                return TumourLabel.EDEMA.internal();
            }
            return 0;
        }
    }

    /**
     * A softmax (or argmax) over mutually exclusive classes.
     *
     * @param labels the tumour label of each class index; null for background
     */
    public record SoftmaxLabels(List<TumourLabel> labels) implements Output {
        public SoftmaxLabels {
            labels = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(labels));
            long tumour = labels.stream().filter(Objects::nonNull).count();
            if (labels.size() < 2 || labels.stream().filter(Objects::isNull).count() != 1
                    || labels.stream().filter(Objects::nonNull).distinct().count() != tumour) {
                throw new IllegalArgumentException("a softmax output needs one background class and distinct tumour labels, got "
                        + labels);
            }
        }

        @Override
        public int channels() {
            return labels.size();
        }

        /** The label of the highest-scoring class (the first one on a tie). */
        @Override
        public int label(float[] scores) {
            int best = 0;
            for (int k = 1; k < scores.length; k++) {
                if (scores[k] > scores[best]) {
                    best = k;
                }
            }
            TumourLabel l = labels.get(best);
            return l == null ? 0 : l.internal();
        }
    }

}
