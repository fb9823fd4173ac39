package org.brainseg.synthetic;

import java.nio.file.Path;
import java.util.Objects;
import org.brainseg.imaging.Affine;
import org.brainseg.imaging.dataset.DatasetLayout;

/**
 * What a synthetic cohort looks like: how many cases, the seed that makes them reproducible,
 * the on-disk layout, the voxel size and the anatomy to start from.
 *
 * <p>The output grid covers the BraTS field of view (240 x 240 x 155 mm, 1 mm voxels by
 * default); a coarser {@code spacingMm} keeps the field of view and uses fewer voxels, e.g.
 * 120 x 120 x 78 at 2 mm, which is what CPU-only training and fast tests want.
 *
 * @param cases number of cases, at least 1
 * @param seed base seed; case {@code k} depends only on (seed, k)
 * @param layout how the files are named and stored
 * @param spacingMm isotropic voxel size in mm, 0.5..8
 * @param anatomy a skull-stripped T1 to use as anatomy, or null for the default (the mricron
 *     template when installed, else a procedural phantom)
 * @param preview whether to write a PNG per case under {@code previews/}
 * @param perturbation the acquisition shift applied to each case after synthesis (labels untouched),
 *     see {@link Perturbation}; {@link PerturbationStrength#NONE} by default
 */
public record CohortConfig(int cases, long seed, DatasetLayout layout, double spacingMm, Path anatomy, boolean preview,
        PerturbationStrength perturbation) {
    /** The BraTS field of view in mm (240 x 240 x 155 voxels of 1 mm). */
    public static final double[] FIELD_OF_VIEW_MM = {240, 240, 155};
    public static final int MAX_CASES = 100_000;

    public CohortConfig {
        if (cases < 1 || cases > MAX_CASES) {
            throw new IllegalArgumentException("cases must be 1.." + MAX_CASES + ", got " + cases);
        }
        Objects.requireNonNull(layout, "layout must not be null");
        if (!(spacingMm >= 0.5 && spacingMm <= 8)) {
            throw new IllegalArgumentException("spacingMm must be between 0.5 and 8 mm, got " + spacingMm);
        }
        Objects.requireNonNull(perturbation, "perturbation must not be null");
    }

    /** Without perturbation. */
    public CohortConfig(int cases, long seed, DatasetLayout layout, double spacingMm, Path anatomy, boolean preview) {
        this(cases, seed, layout, spacingMm, anatomy, preview, PerturbationStrength.NONE);
    }

    /** Defaults: BraTS 2020 layout, 1 mm, default anatomy, no previews, no perturbation. */
    public static CohortConfig of(int cases, long seed) {
        return new CohortConfig(cases, seed, DatasetLayout.BRATS2020, 1.0, null, false);
    }

    public CohortConfig withLayout(DatasetLayout l) {
        return new CohortConfig(cases, seed, l, spacingMm, anatomy, preview, perturbation);
    }

    public CohortConfig withSpacing(double mm) {
        return new CohortConfig(cases, seed, layout, mm, anatomy, preview, perturbation);
    }

    public CohortConfig withAnatomy(Path t1) {
        return new CohortConfig(cases, seed, layout, spacingMm, t1, preview, perturbation);
    }

    public CohortConfig withPreview(boolean p) {
        return new CohortConfig(cases, seed, layout, spacingMm, anatomy, p, perturbation);
    }

    public CohortConfig withPerturbation(PerturbationStrength strength) {
        return new CohortConfig(cases, seed, layout, spacingMm, anatomy, preview, strength);
    }

    /** Output grid size: the BraTS field of view divided by the spacing, rounded. */
    public int[] shape() {
        int[] s = new int[3];
        for (int a = 0; a < 3; a++) {
            s[a] = Math.max(1, (int) Math.round(FIELD_OF_VIEW_MM[a] / spacingMm));
        }
        return s;
    }

    /**
     * Voxel-to-world transform of the output grid: RAS axes, {@code spacingMm} voxels, world
     * origin at the grid centre (where the brain is centred).
     */
    public Affine affine() {
        int[] n = shape();
        double s = spacingMm;
        return Affine.of(new double[][] {
            {s, 0, 0, -s * (n[0] - 1) / 2.0},
            {0, s, 0, -s * (n[1] - 1) / 2.0},
            {0, 0, s, -s * (n[2] - 1) / 2.0},
            {0, 0, 0, 1}});
    }
}
