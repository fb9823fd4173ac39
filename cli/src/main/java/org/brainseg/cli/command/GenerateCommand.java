package org.brainseg.cli.command;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.brainseg.cli.console.ProgressBar;
import org.brainseg.imaging.dataset.DatasetLayout;
import org.brainseg.synthetic.CohortConfig;
import org.brainseg.synthetic.CohortGenerator;
import org.brainseg.synthetic.CohortResult;
import org.brainseg.synthetic.PerturbationStrength;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code brainseg generate}: writes a synthetic BraTS-like cohort (see {@link CohortGenerator}). */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = {
            "Write a synthetic brain-tumour cohort: T1, T1ce, T2, FLAIR and labels per case, deterministic for a seed.",
            "Anatomy: the mricron ch2bet template when installed, else a procedural phantom (or --anatomy)."
        })
public final class GenerateCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Dataset folder to write.")
    Path out;

    @Option(names = "--cases", defaultValue = "10", paramLabel = "N", description = "Number of cases (default: ${DEFAULT-VALUE}).")
    int cases;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--layout", defaultValue = "brats2020", paramLabel = "LAYOUT",
            description = "brats2020, brats2023 or msd (default: ${DEFAULT-VALUE}).")
    String layout;

    @Option(names = "--spacing", defaultValue = "1.0", paramLabel = "MM",
            description = "Voxel size in mm; the BraTS field of view is kept (default: ${DEFAULT-VALUE}: 240x240x155).")
    double spacing;

    @Option(names = "--anatomy", paramLabel = "T1.nii.gz", description = "Skull-stripped T1 to use as the normal brain.")
    Path anatomy;

    @Option(names = "--preview", description = "Also write previews/<case>.png with axial slices and the label overlay.")
    boolean preview;

    @Option(names = "--perturb", defaultValue = "none", paramLabel = "STRENGTH",
            description = {"Acquisition shift per case (bias field, gamma, Rician noise, thick slices, lower resolution;"
                    + " labels untouched): none, mild, strong or stronger (default: ${DEFAULT-VALUE}).",
                "Each case's drawn parameters go to perturbations.json in the dataset folder."})
    String perturb;

    @Override
    public Integer call() throws Exception {
        CohortConfig config;
        try {
            config = new CohortConfig(cases, seed, DatasetLayout.parse(layout), spacing, anatomy, preview,
                    PerturbationStrength.parse(perturb));
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage()
                    .replace("cases must", "--cases must").replace("spacingMm must", "--spacing must")
                    .replace("unknown perturbation strength", "unknown --perturb strength"));
        }
        CohortGenerator generator = new CohortGenerator(config);
        CohortResult result;
        try (ProgressBar bar = new ProgressBar("generate", cases)) {
            result = generator.generate(out, r -> bar.step(String.format(Locale.ROOT, "%s WT %.0f mL", r.id(), r.wholeTumourMl())));
        }
        var stdout = spec.commandLine().getOut();
        stdout.printf(Locale.ROOT, "anatomy: %s%n", result.anatomy());
        double seconds = result.cases().stream().mapToDouble(r -> r.seconds()).average().orElse(0);
        stdout.printf(Locale.ROOT, "cases: %d (%s, %s mm, seed %d, %.1f s per case) in %s%n", result.cases().size(),
                config.layout(), config.spacingMm(), seed, seconds, out);
        stdout.printf(Locale.ROOT, "mean whole tumour: %.1f mL%n", result.meanWholeTumourMl());
        if (config.perturbation() != PerturbationStrength.NONE) {
            stdout.printf(Locale.ROOT, "perturbation: %s (per-case parameters in %s)%n", config.perturbation(),
                    out.resolve(CohortGenerator.PERTURBATIONS_FILE));
        }
        if (result.previews() != null) {
            stdout.printf(Locale.ROOT, "previews: %s%n", result.previews());
        }
        stdout.flush();
        return 0;
    }
}
