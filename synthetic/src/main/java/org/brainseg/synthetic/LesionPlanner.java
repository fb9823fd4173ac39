package org.brainseg.synthetic;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Chooses a case's lesions: one (or, in a quarter of cases, two) foci centred in white matter,
 * deep enough that the core stays inside the brain, with sizes drawn so that the whole tumour
 * lands in a BraTS-like range (log-uniform 25..170 mL, cores 20-50 % of it).
 */
final class LesionPlanner {
    static final double MIN_WT_ML = 25;
    static final double MAX_WT_ML = 170;
    private static final int ATTEMPTS = 400;
    private static final double[][] PROBES = probes();

    private LesionPlanner() {}

    /** The target whole-tumour volume in mL. */
    static double targetWtMl(SplittableRandom rng) {
        return Math.exp(Math.log(MIN_WT_ML) + rng.nextDouble() * Math.log(MAX_WT_ML / MIN_WT_ML));
    }

    static List<Lesion> plan(SplittableRandom rng, Anatomy anatomy, Warp warp, double targetWtMl) {
        int count = rng.nextDouble() < 0.25 ? 2 : 1;
        List<Lesion> out = new ArrayList<>();
        for (int l = 0; l < count; l++) {
            double share = count == 1 ? 1 : (l == 0 ? 0.7 : 0.3);
            double coreMl = targetWtMl * share * (0.2 + 0.3 * rng.nextDouble());
            double radius = Math.cbrt(3 * coreMl * 1000 / (4 * Math.PI));
            double[] axes = axes(rng);
            double necrotic = rng.nextDouble();
            double cover = rng.nextDouble() < 0.15 ? 0.2 + 0.3 * rng.nextDouble() : 0.75 + 0.25 * rng.nextDouble();
            double mass = 0.55 * rng.nextDouble() * radius;
            double[] centre = place(rng, anatomy, warp, radius, out.isEmpty() ? null : out.get(0).centre());
            out.add(new Lesion(centre, radius, axes, necrotic, cover, mass));
        }
        return out;
    }

    private static double[] axes(SplittableRandom rng) {
        double[] a = new double[3];
        double prod = 1;
        for (int i = 0; i < 3; i++) {
            a[i] = 0.8 + 0.4 * rng.nextDouble();
            prod *= a[i];
        }
        double norm = Math.cbrt(prod);
        for (int i = 0; i < 3; i++) {
            a[i] /= norm;
        }
        return a;
    }

    /**
     * A centre in white matter whose surroundings at radius + 5 mm are brain and at half the
     * radius are not CSF; the best-scoring candidate when none passes every probe.
     */
    private static double[] place(SplittableRandom rng, Anatomy anatomy, Warp warp, double radius, double[] near) {
        double[] best = null;
        int bestScore = -1;
        double[] a = new double[3];
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            double[] c;
            if (near != null && rng.nextBoolean()) {
                double[] dir = PROBES[rng.nextInt(PROBES.length)];
                double dist = 20 + 25 * rng.nextDouble();
                c = new double[] {near[0] + dir[0] * dist, near[1] + dir[1] * dist, near[2] + dir[2] * dist};
            } else {
                c = new double[] {-55 + 110 * rng.nextDouble(), -65 + 120 * rng.nextDouble(), -15 + 60 * rng.nextDouble()};
            }
            warp.linear(c[0], c[1], c[2], a);
            double t = anatomy.tissueAt(a[0], a[1], a[2]);
            if (!(t > 1.4)) {
                continue;
            }
            int score = 0;
            for (double[] p : PROBES) {
                warp.linear(c[0] + p[0] * (radius + 5), c[1] + p[1] * (radius + 5), c[2] + p[2] * (radius + 5), a);
                if (!Double.isNaN(anatomy.tissueAt(a[0], a[1], a[2]))) {
                    score += 2;
                }
                warp.linear(c[0] + p[0] * radius / 2, c[1] + p[1] * radius / 2, c[2] + p[2] * radius / 2, a);
                if (anatomy.tissueAt(a[0], a[1], a[2]) > 0.5) {
                    score++;
                }
            }
            if (score == 3 * PROBES.length) {
                return c;
            }
            if (score > bestScore) {
                bestScore = score;
                best = c;
            }
        }
        return best != null ? best : new double[] {20, 0, 15};
    }

    /** 6 axis and 8 diagonal unit directions. */
    private static double[][] probes() {
        List<double[]> d = new ArrayList<>();
        for (int a = 0; a < 3; a++) {
            for (int s = -1; s <= 1; s += 2) {
                double[] v = new double[3];
                v[a] = s;
                d.add(v);
            }
        }
        double q = 1 / Math.sqrt(3);
        for (int c = 0; c < 8; c++) {
            d.add(new double[] {(c & 1) == 0 ? q : -q, (c & 2) == 0 ? q : -q, (c & 4) == 0 ? q : -q});
        }
        return d.toArray(new double[0][]);
    }
}
