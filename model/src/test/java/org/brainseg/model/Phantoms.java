package org.brainseg.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.brainseg.imaging.Affine;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.preprocess.PreprocessOptions;
import org.brainseg.imaging.preprocess.PreprocessedCase;
import org.brainseg.imaging.preprocess.Preprocessor;

/**
 * Tiny seeded BraTS-like phantoms for tests: an ellipsoid "brain" in a zero background, a tumour
 * of edema (2) around a core of enhancing rim (3) and necrotic centre (1), and four channels whose
 * intensities depend on the label, plus Gaussian noise.
 */
public final class Phantoms {
    /** Mean intensity per channel (T1, T1ce, T2, FLAIR) and internal label (bg-brain, NCR, ED, ET). */
    private static final float[][] MEAN = {
        {1.0f, 0.55f, 0.8f, 0.9f},
        {1.0f, 0.45f, 1.0f, 2.2f},
        {1.0f, 1.7f, 1.8f, 1.2f},
        {1.0f, 1.3f, 2.0f, 1.5f},
    };

    /** A raw scan: four channels and internal labels on an n^3 grid of the given spacing. */
    public record Scan(String id, Volume[] channels, Volume labels) {}

    private Phantoms() {}

    public static Scan scan(String id, int n, double spacing, long seed, double noise) {
        Random r = new Random(seed);
        Affine affine = Affine.of(new double[][] {
            {-spacing, 0, 0, 100}, {0, spacing, 0, -110}, {0, 0, spacing, -70}, {0, 0, 0, 1}});
        int size = n * n * n;
        float[] labels = new float[size];
        boolean[] brain = new boolean[size];
        double c = (n - 1) / 2.0;
        double br = n * 0.42;
        double tr = n * (0.12 + 0.08 * r.nextDouble());
        double[] tc = new double[3];
        for (int a = 0; a < 3; a++) {
            tc[a] = c + (r.nextDouble() - 0.5) * n * 0.3;
        }
        for (int z = 0, i = 0; z < n; z++) {
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++, i++) {
                    double db = Math.sqrt(sq((x - c) / br) + sq((y - c) / (br * 0.9)) + sq((z - c) / (br * 0.8)));
                    brain[i] = db <= 1;
                    double d = Math.sqrt(sq(x - tc[0]) + sq(y - tc[1]) + sq(z - tc[2])) / tr;
                    if (brain[i] && d <= 1) {
                        labels[i] = d < 0.35 ? 1 : d < 0.6 ? 3 : 2;
                    }
                }
            }
        }
        Volume[] channels = new Volume[4];
        for (int ch = 0; ch < 4; ch++) {
            float[] v = new float[size];
            float scale = 300 + 100 * ch;
            for (int i = 0; i < size; i++) {
                if (brain[i]) {
                    v[i] = (float) (scale * (MEAN[ch][(int) labels[i]] + noise * r.nextGaussian()));
                    if (v[i] == 0) {
                        v[i] = 1e-3f;
                    }
                }
            }
            channels[ch] = new Volume(n, n, n, v, affine);
        }
        return new Scan(id, channels, new Volume(n, n, n, labels, affine));
    }

    /** {@code count} preprocessed phantoms of edge n at 1 mm, on their own grid. */
    public static List<PreprocessedCase> preprocessed(int count, int n, long seed) {
        Preprocessor pre = new Preprocessor(PreprocessOptions.onScanGrid());
        List<PreprocessedCase> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Scan s = scan(String.format("phantom%03d", i), n, 1.0, seed + i, 0.1);
            out.add(pre.apply(s.id(), s.channels(), s.labels()));
        }
        return out;
    }

    private static double sq(double v) {
        return v * v;
    }
}
