package org.brainseg.model.net;

/**
 * Analytic floating-point operations of one {@link UNet3d} forward pass, to set measured times
 * against the machine's peak (docs/BENCHMARKS.md).
 *
 * <p>How counted: every convolution contributes 2 × MACs, MACs = C_out × C_in × k³ × output voxels
 * (a multiply and an add per weight and voxel; the bias add, normalization, LeakyReLU, pooling,
 * repetition, concatenation and softmax are left out: they are memory-bound and together a few
 * percent of the convolutions' count). Layer by layer, as {@link UNet3d} builds them: per encoder
 * level two 3×3×3 convolutions at (D/2^l)³ voxels, per decoder level a 1×1×1 convolution at the
 * coarse level (before the repetition) and two 3×3×3 convolutions, then the 1×1×1 head.
 *
 * <p>A training step is counted as 3 × forward (backward computes a gradient for the input and one
 * for the weights of every convolution, each as costly as its forward), a common approximation
 * (the first convolution needs no input gradient, so it slightly overstates).
 */
public final class UNetFlops {
    private UNetFlops() {}

    /** FLOPs of one forward pass of a batch of {@code batch} inputs of D × H × W voxels. */
    public static double forward(UNetConfig c, int batch, long d, long h, long w) {
        c.checkSpatialSize(d, h, w);
        double macs = 0;
        for (int l = 0; l < c.depth(); l++) {
            double voxels = (double) (d >> l) * (h >> l) * (w >> l);
            int in = l == 0 ? c.inChannels() : c.width(l - 1);
            macs += conv(in, c.width(l), 27, voxels) + conv(c.width(l), c.width(l), 27, voxels);
            if (l < c.depth() - 1) {
                double coarse = voxels / 8;
                macs += conv(c.width(l + 1), c.width(l), 1, coarse); // up: 1x1x1 before the repetition
                macs += conv(2 * c.width(l), c.width(l), 27, voxels) + conv(c.width(l), c.width(l), 27, voxels);
            }
        }
        macs += conv(c.width(0), c.classes(), 1, (double) d * h * w);
        return 2 * macs * batch;
    }

    /** FLOPs of one training step (forward and backward, the optimizer's update ignored): 3 × forward. */
    public static double trainingStep(UNetConfig c, int batch, long d, long h, long w) {
        return 3 * forward(c, batch, d, h, w);
    }

    private static double conv(int in, int out, int kernelVolume, double voxels) {
        return (double) in * out * kernelVolume * voxels;
    }
}
