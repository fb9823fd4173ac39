package org.brainseg.synthetic;

import org.brainseg.imaging.EnumNames;

/**
 * The named strengths of an acquisition-shift {@link Perturbation}, as {@code brainseg generate
 * --perturb} takes them. Each names a point on the continuous strength scale 0..2 that
 * {@link Perturbation#draw(double, java.util.SplittableRandom)} accepts; the parameter ranges
 * per strength are listed on {@link Perturbation}.
 */
public enum PerturbationStrength {
    /** No perturbation: the images are left bit-for-bit as synthesized. */
    NONE("none", 0),
    /** Within-site variation: a different scanner or protocol of the same kind. */
    MILD("mild", 0.5),
    /** Another site: clearly different bias, contrast, noise and slice thickness. */
    STRONG("strong", 1.0),
    /** Beyond most multi-site cohorts: thick slices, strong gamma and noise. */
    STRONGER("stronger", 1.5);

    private final String id;
    private final double value;

    PerturbationStrength(String id, double value) {
        this.id = id;
        this.value = value;
    }

    /** The name on the command line and in {@code perturbations.json}. */
    public String id() {
        return id;
    }

    /** The point on the continuous strength scale 0..{@value Perturbation#MAX_STRENGTH}. */
    public double value() {
        return value;
    }

    /**
     * The strength named {@code name} (trimmed, case-insensitive).
     *
     * @throws IllegalArgumentException {@code unknown perturbation strength 'x' (expected none, mild, strong or stronger)}
     */
    public static PerturbationStrength parse(String name) {
        if (name == null) {
            throw new IllegalArgumentException("perturbation strength must not be null (expected none, mild, strong or stronger)");
        }
        return EnumNames.parse(values(), PerturbationStrength::id, "perturbation strength", name);
    }

    @Override
    public String toString() {
        return id;
    }
}
