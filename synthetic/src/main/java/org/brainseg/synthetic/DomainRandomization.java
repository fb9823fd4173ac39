package org.brainseg.synthetic;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.CaseLoader;
import org.brainseg.imaging.dataset.LoadedCase;
import org.brainseg.imaging.preprocess.PreprocessOptions;
import org.brainseg.imaging.preprocess.PreprocessedCase;
import org.brainseg.imaging.preprocess.Preprocessor;

/**
 * Domain randomization of a training set (SynthSeg's idea, Billot et al. 2023, with the
 * acquisition shifts of {@link Perturbation}): besides each training case as acquired, {@code
 * variants} copies of it, each with a bias field, gamma, noise, thick slices and a lower resolution
 * drawn at a strength uniform in {@code [0, maxStrength]}, applied to the raw intensities before
 * preprocessing as a real scanner would. The labels are unchanged. Validation cases are never
 * randomized: a model is chosen on data as acquired.
 *
 * <p>The copies are drawn once, when the data are loaded, not per step: a 1 mm perturbation costs
 * seconds, a training step a fraction of one. A copy's id is the case's id followed by
 * {@code ~r1}, {@code ~r2}, …, so model.json's {@code trainCases} lists what was trained on.
 *
 * <p>Reproducible: copy {@code r} of case {@code id} depends only on ({@link #seed}, id, r).
 *
 * @param maxStrength 0..{@value Perturbation#MAX_STRENGTH}; 1 is the evaluation generator's strong
 * @param variants randomized copies per training case, 0 = none (the plain data only)
 * @param seed seeds every copy's draw
 */
public record DomainRandomization(double maxStrength, int variants, long seed) {
    /** The most copies per case: each holds a whole preprocessed case in memory. */
    public static final int MAX_VARIANTS = 16;

    public DomainRandomization {
        Perturbation.requireStrength(maxStrength);
        if (variants < 0 || variants > MAX_VARIANTS) {
            throw new IllegalArgumentException("variants must be 0.." + MAX_VARIANTS + ", got " + variants);
        }
    }

    public static DomainRandomization off() {
        return new DomainRandomization(0, 0, 0);
    }

    public boolean isOff() {
        return variants == 0 || maxStrength == 0;
    }

    /** The id of copy {@code r} (1-based) of a case. */
    public static String variantId(String caseId, int r) {
        return caseId + "~r" + r;
    }

    /** The perturbation of copy {@code r} (1-based) of a case. */
    public Perturbation perturbation(String caseId, int r) {
        long mixed = (seed * 31 + caseId.hashCode()) * 31 + r;
        SplittableRandom rnd = new SplittableRandom(mixed);
        double strength = maxStrength * rnd.nextDouble();
        return Perturbation.draw(strength, rnd);
    }

    /**
     * Loads and preprocesses each labelled case and, unless off, its randomized copies: the case
     * first, then its copies, in the order given.
     *
     * @param progress called with (cases done, cases) after each case and its copies; may be null
     */
    public List<PreprocessedCase> load(List<Case> cases, PreprocessOptions options, BiConsumer<Integer, Integer> progress)
            throws IOException {
        CaseLoader loader = new CaseLoader();
        Preprocessor pre = new Preprocessor(options);
        List<Case> labelled = cases.stream().filter(Case::hasLabel).toList();
        List<PreprocessedCase> out = new ArrayList<>(labelled.size() * (1 + variants));
        int done = 0;
        for (Case c : labelled) {
            LoadedCase lc = loader.load(c);
            out.add(pre.apply(lc.id(), lc.channels(), lc.labels()));
            out.addAll(variantsOf(lc, pre));
            if (progress != null) {
                progress.accept(++done, labelled.size());
            }
        }
        return out;
    }

    /** The randomized copies of one loaded case, preprocessed (empty when off). */
    public List<PreprocessedCase> variantsOf(LoadedCase lc, Preprocessor pre) {
        if (isOff()) {
            return List.of();
        }
        List<PreprocessedCase> out = new ArrayList<>(variants);
        for (int r = 1; r <= variants; r++) {
            out.add(pre.apply(variantId(lc.id(), r), perturbed(lc, perturbation(lc.id(), r)), lc.labels()));
        }
        return out;
    }

    /**
     * A loaded case's modalities with a perturbation applied to their raw intensities (negative ones
     * taken as 0). Perturbations work on isotropic grids; on an anisotropic one the finest spacing
     * stands in for the voxel size.
     */
    public static Volume[] perturbed(LoadedCase lc, Perturbation p) {
        Volume first = lc.channels()[0];
        float[][] raw = new float[lc.channels().length][];
        for (int m = 0; m < raw.length; m++) {
            raw[m] = nonNegative(lc.channels()[m].data());
        }
        double[] s = first.spacing();
        float[][] out = p.apply(raw, first.shape(), Math.min(s[0], Math.min(s[1], s[2])));
        Volume[] channels = new Volume[out.length];
        for (int m = 0; m < channels.length; m++) {
            channels[m] = lc.channels()[m].withData(out[m]);
        }
        return channels;
    }

    /** For model.json's training section. */
    public String describe() {
        return isOff() ? "off" : String.format(Locale.ROOT, "%d copies per training case, strength uniform in [0, %.2f], seed %d",
                variants, maxStrength, seed);
    }

    private static float[] nonNegative(float[] d) {
        float[] out = null;
        for (int i = 0; i < d.length; i++) {
            if (!(d[i] >= 0)) {
                if (out == null) {
                    out = d.clone();
                }
                out[i] = 0;
            }
        }
        return out == null ? d : out;
    }
}
