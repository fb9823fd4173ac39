package org.brainseg.cli.command;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.brainseg.cli.console.ProgressBar;
import org.brainseg.model.train.StepProgress;
import org.brainseg.model.train.TrainingConfig;
import org.brainseg.model.train.TrainingListener;
import org.brainseg.schemas.Normalization;
import org.brainseg.synthetic.PerturbationStrength;
import org.brainseg.trainer.experiment.ExperimentReport;
import org.brainseg.trainer.experiment.ExperimentRunner;
import org.brainseg.trainer.experiment.Seeds;
import org.brainseg.trainer.experiment.VariantResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code brainseg experiment}: the paper's LN-vs-none comparison (or a wider ablation) on any BraTS-layout data. */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = {"Compare normalizations: train each on the same split, seed and budget, report like the paper.",
            "Writes report.md, results.csv, curves.png and each variant's model and epochs.csv to --out."})
public final class ExperimentCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, description = "Labelled dataset (BraTS 2018-2021, BraTS 2023+ or MSD Task01).")
    Path data;

    @Option(names = "--normalizations", defaultValue = "layer,none", split = ",",
            description = "Variants to compare (default: ${DEFAULT-VALUE}); any of none, layer, layer-channel, instance, group, batch.")
    List<String> normalizations;

    @Option(names = "--out", required = true, description = "Report directory.")
    Path out;

    @Option(names = "--seeds", paramLabel = "N|S1,S2,...",
            description = {"Training seeds per variant: a count N (--seed, --seed + 1, ...) or a list of distinct seeds "
                + "(default: one run with --seed).", "The split stays the one --seed draws; each seed changes weights, "
                + "patch order and augmentation."})
    String seeds;

    @Option(names = "--test-fraction", defaultValue = "0.2",
            description = "Share of cases held out as test cases, scored once on each run's kept checkpoint and never used "
                + "to choose it (default: ${DEFAULT-VALUE}).")
    double testFraction;

    @Option(names = "--test-shift", defaultValue = "none", paramLabel = "STRENGTH",
            description = {"Also score the test cases under acquisition shift: each perturbed as `brainseg generate --perturb` "
                + "does (bias field, gamma, noise, thick slices, lower resolution), at none, mild, strong or stronger "
                + "(default: ${DEFAULT-VALUE})."})
    String testShift;

    @Mixin
    TrainingOptions options;

    @Override
    public Integer call() throws Exception {
        List<Normalization> variants = new ArrayList<>();
        for (String n : normalizations) {
            variants.add(Normalization.parse(n));
        }
        TrainingConfig base = options.config(variants.get(0));
        ExperimentRunner runner = new ExperimentRunner();
        ExperimentRunner.Plan plan = new ExperimentRunner.Plan(data, variants, base, Seeds.parse(seeds, options.seed),
                options.valFraction, testFraction, options.engine(), out, shift());
        List<VariantResult> results;
        ProgressBar[] loading = new ProgressBar[1];
        try {
            results = runner.run(plan, new ExperimentRunner.Progress() {
                @Override
                public void loading(int done, int total) {
                    if (loading[0] == null) {
                        loading[0] = new ProgressBar("loading", total);
                    }
                    loading[0].update(done, "cases loaded and preprocessed");
                }

                @Override
                public TrainingListener variant(Normalization n, long seed, int index, int count) {
                    ProgressBar bar = new ProgressBar(String.format(Locale.ROOT, "%s seed %d (%d/%d)", n.wire(), seed, index + 1,
                            count),
                            base.totalSteps());
                    return new TrainingListener() {
                        @Override
                        public void onStep(StepProgress p) {
                            bar.update(p.globalStep(), String.format(Locale.ROOT, "epoch %d/%d loss %.3f%s", p.epoch(),
                                    p.epochs(), p.loss(), p.lastValDice() == null ? ""
                                            : String.format(Locale.ROOT, ", val Dice WT %.3f", p.lastValDice().wt())));
                        }

                        @Override
                        public void onValidationCase(int epoch, int i, int total) {
                            bar.update(epoch * (long) base.stepsPerEpoch(),
                                    String.format(Locale.ROOT, "epoch %d validating %d/%d", epoch, i + 1, total));
                        }
                    };
                }

                @Override
                public void finished(List<VariantResult> soFar) throws IOException {
                    if (soFar.size() < plan.runs()) {
                        ExperimentReport.write(out, setup(plan, runner.data(), soFar), soFar);
                    }
                }
            });
        } finally {
            if (loading[0] != null) {
                loading[0].close();
            }
        }
        ExperimentReport.write(out, setup(plan, runner.data(), results), results);
        spec.commandLine().getOut().printf(Locale.ROOT, "report: %s (results.csv, curves.png beside it)%n", out.resolve("report.md"));
        return 0;
    }

    private PerturbationStrength shift() {
        try {
            return PerturbationStrength.parse(testShift);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--test-shift: " + e.getMessage());
        }
    }

    private List<String> setup(ExperimentRunner.Plan plan, ExperimentRunner.Data d, List<VariantResult> results) {
        TrainingConfig base = plan.base();
        List<String> setup = new ArrayList<>();
        if (results.size() < plan.runs()) {
            setup.add(String.format(Locale.ROOT, "**PARTIAL: %d of %d runs finished when this report was written**",
                    results.size(), plan.runs()));
        }
        setup.add("Command: `brainseg " + String.join(" ", spec.commandLine().getParseResult().originalArgs()) + "`");
        setup.add(String.format(Locale.ROOT, "Data: `%s` (%s layout), %d training, %d validation and %d test cases, split once "
                + "by seed %d (validation: %s; test: %s); data hash %s", data, d.layout(), d.train(), d.validation(), d.test(),
                base.seed(), String.join(", ", d.validationIds()), String.join(", ", d.testIds()), d.hash()));
        setup.add(String.format(Locale.ROOT, "Network: 3D U-Net, depth %d, base width %d, 4 input channels, 4 classes; "
                + "patch %d³, batch %d, spacing %s", base.depth(), base.baseWidth(), base.patch(), base.batch(),
                options.spacing > 0 ? options.spacing + " mm" : "the scans' own"));
        setup.add(String.format(Locale.ROOT, "Budget per run: %d epochs × %d steps (%d steps), Adam, initial lr %s, poly decay; "
                + "training seeds %s (each seeds weights, patches and augmentation; every variant runs with every seed)",
                base.epochs(), base.stepsPerEpoch(), base.totalSteps(), base.learningRate(),
                plan.seeds().stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", "))));
        setup.add(String.format(Locale.ROOT, "Engine: %s; parameters: %s", options.engine.device
                + (options.engine.threads > 0 ? ", " + options.engine.threads + " intra-op threads" : ", one thread per core"),
                results.stream().map(v -> v.normalization() + " " + v.parameters()).distinct()
                        .collect(java.util.stream.Collectors.joining(", "))));
        setup.add("Dice is computed per case on the preprocessed grid (brain crop, resampled spacing) with sliding-window "
                + "inference, the same way for validation and test cases; each run keeps the epoch with the best mean "
                + "WT/TC/ET validation Dice; 'lowest val loss' is the lowest validation loss over all epochs (the paper's "
                + "measure); training time is the wall time of training and validation of one run");
        if (d.testShift() != PerturbationStrength.NONE) {
            setup.add("Shifted test: the same test cases with a " + d.testShift().id() + " acquisition shift (bias field, gamma, "
                    + "Rician noise, thick slices, lower resolution; the i-th test case gets the parameters `brainseg generate "
                    + "--perturb " + d.testShift().id() + " --seed " + base.seed() + "` draws for its i-th case), scored the same way");
        }
        return setup;
    }
}
