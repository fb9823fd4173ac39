package org.brainseg.synthetic;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import org.brainseg.imaging.dataset.DatasetLayout;

/**
 * Generates a synthetic BraTS-like cohort: realistic stand-in data for tests, demos, training
 * and benchmarks where real BraTS cases cannot be downloaded.
 *
 * <p>Each case warps a real (or phantom) brain, grows one or two gliomas in it (necrotic or
 * solid core, enhancing rim, white-matter-following edema) and renders T1, T1ce, T2 and FLAIR
 * with bias field, Rician noise and per-case scaling. Case {@code k} depends only on
 * (seed, k), so a cohort of 3 starts with the same case as a cohort of 100. Files are written in
 * the configured {@link DatasetLayout} (int16 images, uint8 labels, gzip), each by temp file and
 * rename.
 *
 * <p>With a {@link CohortConfig#perturbation() perturbation} other than none, each case's images
 * then get an acquisition shift ({@link Perturbation#forCase}: it too depends only on (seed, k));
 * the labels stay the clean ground truth, and {@value #PERTURBATIONS_FILE} in the dataset root
 * records the strength and every case's drawn parameters (no such file: no perturbation).
 */
public final class CohortGenerator {
    /** The per-case perturbation parameters, beside the cases, when the cohort is perturbed. */
    public static final String PERTURBATIONS_FILE = "perturbations.json";

    private final CohortConfig config;
    private final Anatomy anatomy;
    private final CaseSynthesizer synthesizer;

    /** Loads the configured anatomy (see {@link Anatomy#load}). */
    public CohortGenerator(CohortConfig config) throws IOException {
        this(config, Anatomy.load(config.anatomy()));
    }

    public CohortGenerator(CohortConfig config, Anatomy anatomy) {
        this.config = Objects.requireNonNull(config, "config");
        this.anatomy = Objects.requireNonNull(anatomy, "anatomy");
        this.synthesizer = new CaseSynthesizer(anatomy, config);
    }

    public CohortConfig config() {
        return config;
    }

    public Anatomy anatomy() {
        return anatomy;
    }

    /** Case identifier in a layout's style, e.g. {@code BraTS20_Synth_001}, {@code BraTS-SYN-00001-000}, {@code BRATS_001}. */
    public static String caseId(DatasetLayout layout, int index) {
        int n = index + 1;
        return switch (layout) {
            case BRATS2020 -> String.format(Locale.ROOT, "BraTS20_Synth_%03d", n);
            case BRATS2023 -> String.format(Locale.ROOT, "BraTS-SYN-%05d-000", n);
            case MSD -> String.format(Locale.ROOT, "BRATS_%03d", n);
        };
    }

    /** Case {@code index} in memory, as it is written (perturbed when configured), without writing anything. */
    public SyntheticCase synthesize(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("case index must be >= 0, got " + index);
        }
        SyntheticCase clean = synthesizer.synthesize(index, caseId(config.layout(), index));
        Perturbation p = perturbation(index);
        return p.isIdentity() ? clean : p.apply(clean);
    }

    /** The acquisition shift of case {@code index} ({@link Perturbation#none()} when the cohort is not perturbed). */
    public Perturbation perturbation(int index) {
        return Perturbation.forCase(config.perturbation(), config.seed(), index);
    }

    /**
     * Writes all cases (and previews when configured) under {@code out}.
     *
     * @param onCase called after each case is written, in index order (for progress bars)
     */
    public CohortResult generate(Path out, Consumer<CaseReport> onCase) throws IOException {
        CohortWriter writer = new CohortWriter(out, config.layout());
        Path previews = config.preview() ? out.resolve("previews") : null;
        PreviewRenderer renderer = new PreviewRenderer();
        List<CaseReport> reports = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int k = 0; k < config.cases(); k++) {
            long start = System.nanoTime();
            SyntheticCase c = synthesize(k);
            writer.write(c);
            if (previews != null) {
                renderer.write(c, previews.resolve(c.id() + ".png"));
            }
            CaseReport r = c.report((System.nanoTime() - start) / 1e9).withPerturbation(perturbation(k));
            reports.add(r);
            ids.add(c.id());
            if (onCase != null) {
                onCase.accept(r);
            }
        }
        writer.finish(ids);
        if (config.perturbation() != PerturbationStrength.NONE) {
            writer.writePerturbations(out.resolve(PERTURBATIONS_FILE), config, reports);
        }
        return new CohortResult(anatomy.description(), anatomy.isPhantom(), out, previews, reports);
    }
}
