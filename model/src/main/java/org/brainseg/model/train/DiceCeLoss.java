package org.brainseg.model.train;

import ai.djl.ndarray.NDArray;
import org.brainseg.model.engine.Scalars;

/**
 * The training loss, as nnU-Net: cross-entropy plus (1 − soft Dice), the soft Dice averaged over
 * the foreground classes (1..K-1) and computed over the whole batch at once ("batch Dice", stable
 * when a patch misses a class) with smoothing {@value #SMOOTH}.
 */
public final class DiceCeLoss {
    /** Added to numerator and denominator of the soft Dice. */
    public static final double SMOOTH = 1.0;

    private DiceCeLoss() {}

    /**
     * The loss of a batch.
     *
     * @param logits (N, K, D, H, W)
     * @param oneHot (N, K, D, H, W) one-hot target
     * @return a scalar
     */
    public static NDArray compute(NDArray logits, NDArray oneHot) {
        long classes = logits.getShape().get(1);
        long voxels = logits.getShape().size() / classes;
        NDArray logp = logits.logSoftmax(1);
        NDArray ce = oneHot.mul(logp).sum().neg().div(Scalars.of(logp, voxels));
        NDArray p = logp.exp();
        int[] axes = {0, 2, 3, 4};
        NDArray intersection = p.mul(oneHot).sum(axes);
        NDArray denominator = p.sum(axes).add(oneHot.sum(axes));
        NDArray smooth = Scalars.of(logp, SMOOTH);
        NDArray dice = intersection.mul(Scalars.of(logp, 2)).add(smooth).div(denominator.add(smooth));
        return ce.add(dice.get("1:").mean().neg().add(Scalars.of(logp, 1)));
    }

    /**
     * The same loss for one whole volume, in double precision (validation).
     *
     * @param probabilities K arrays of class probabilities
     * @param labels class index per voxel
     */
    public static double compute(float[][] probabilities, float[] labels) {
        int k = probabilities.length;
        int n = labels.length;
        double ce = 0;
        double[] inter = new double[k];
        double[] psum = new double[k];
        double[] tsum = new double[k];
        for (int i = 0; i < n; i++) {
            int t = (int) labels[i];
            ce -= Math.log(Math.max(probabilities[t][i], 1e-12));
            inter[t] += probabilities[t][i];
            tsum[t]++;
        }
        for (int c = 0; c < k; c++) {
            float[] p = probabilities[c];
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += p[i];
            }
            psum[c] = s;
        }
        double dice = 0;
        for (int c = 1; c < k; c++) {
            dice += (2 * inter[c] + SMOOTH) / (psum[c] + tsum[c] + SMOOTH);
        }
        return ce / n + 1 - dice / (k - 1);
    }
}
