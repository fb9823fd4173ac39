package org.brainseg.model.quality;

import java.util.List;
import java.util.Objects;

/**
 * Predicted Dice from flip agreement, per region: {@code clamp(intercept + slope * flipDice, 0, 1)},
 * fitted by least squares on a model version's validation cases, where the true Dice is known
 * (automated quality control that predicts Dice per scan, Robinson et al., JCMR 2019, here with one
 * feature per region). Stored with the version in {@link QualityProfile}.
 *
 * @param wt       the whole tumour's fit
 * @param tc       the tumour core's
 * @param et       the enhancing tumour's
 * @param cases    validation cases it was fitted on
 */
public record QualityCalibration(Fit wt, Fit tc, Fit et, int cases) {
    /** Fewer cases than this, or flip agreements that do not vary: the slope is fixed at 1 (an offset only). */
    public static final int MIN_CASES_FOR_SLOPE = 4;

    /**
     * One region's line.
     *
     * @param intercept  a
     * @param slope      b, at least 0 (a model that agrees with itself less is never predicted better)
     * @param residualSd the fit's residual standard deviation on its cases (how far to trust the prediction)
     * @param baseline   the region's mean true Dice on those cases (what the predictions should hover around)
     */
    public record Fit(double intercept, double slope, double residualSd, double baseline) {
        public Fit {
            for (double v : new double[] {intercept, slope, residualSd, baseline}) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("calibration values must be finite");
                }
            }
            if (slope < 0) {
                throw new IllegalArgumentException("slope must be >= 0, got " + slope);
            }
        }

        public double predict(double flipDice) {
            return Math.max(0, Math.min(1, intercept + slope * flipDice));
        }
    }

    public QualityCalibration {
        Objects.requireNonNull(wt, "wt");
        Objects.requireNonNull(tc, "tc");
        Objects.requireNonNull(et, "et");
    }

    /** Predicted Dice (WT, TC, ET) from flip Dice (WT, TC, ET). */
    public double[] predict(double[] flipDice) {
        return new double[] {wt.predict(flipDice[0]), tc.predict(flipDice[1]), et.predict(flipDice[2])};
    }

    /**
     * Fits the three lines.
     *
     * @param flipDice per case, flip Dice (WT, TC, ET)
     * @param trueDice per case, Dice against the ground truth (WT, TC, ET)
     */
    public static QualityCalibration fit(List<double[]> flipDice, List<double[]> trueDice) {
        if (flipDice.isEmpty() || flipDice.size() != trueDice.size()) {
            throw new IllegalArgumentException("need as many true Dice as flip Dice, at least one case; got "
                    + flipDice.size() + " and " + trueDice.size());
        }
        Fit[] fits = new Fit[3];
        for (int r = 0; r < 3; r++) {
            int n = flipDice.size();
            double[] x = new double[n];
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = flipDice.get(i)[r];
                y[i] = trueDice.get(i)[r];
            }
            fits[r] = line(x, y);
        }
        return new QualityCalibration(fits[0], fits[1], fits[2], flipDice.size());
    }

    static Fit line(double[] x, double[] y) {
        int n = x.length;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i] / n;
            my += y[i] / n;
        }
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < n; i++) {
            sxx += (x[i] - mx) * (x[i] - mx);
            sxy += (x[i] - mx) * (y[i] - my);
        }
        double slope = n >= MIN_CASES_FOR_SLOPE && sxx > 1e-6 ? Math.max(0, sxy / sxx) : 1;
        double intercept = my - slope * mx;
        double ss = 0;
        for (int i = 0; i < n; i++) {
            double e = y[i] - Math.max(0, Math.min(1, intercept + slope * x[i]));
            ss += e * e;
        }
        return new Fit(intercept, slope, Math.sqrt(ss / Math.max(1, n - (n >= MIN_CASES_FOR_SLOPE ? 2 : 1))), my);
    }
}
