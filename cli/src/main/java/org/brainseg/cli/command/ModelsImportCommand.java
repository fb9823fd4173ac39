package org.brainseg.cli.command;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.brainseg.cli.models.BundleImporter;
import org.brainseg.client.models.ModelsAdmin;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.schemas.Promotion;
import org.brainseg.trainer.evaluation.PromotionGate;
import org.brainseg.trainer.registry.ModelRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code brainseg models import BUNDLE}: a model trained elsewhere (a MONAI bundle folder or
 * {@code .zip}, or a folder with {@code model.ts} and {@code brainseg-bundle.json}) becomes the
 * next version of a model in the registry, through the trainer's gate: judged on the held-out cases
 * of a dataset beside the active version, then active, candidate or rejected as the promotion
 * policy says, and announced on brainseg.models so that workers load it.
 */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        description = {
            "Import a MONAI bundle (folder or .zip) or a TorchScript folder as the next version of a model.",
            "The bundle is copied into the registry with every file's SHA-256 (import.json), its network is loaded and",
            "probed, it is judged on the held-out cases of --dataset beside the active version (the trainer's split and",
            "gate), and the new version is published on brainseg.models: active (the active one retired), candidate or",
            "rejected. Workers following the model swap to it when it is active. See docs/MODELS.md.",
            "Exit 2 for a bundle brainseg cannot serve (one line naming the file and field), a bad dataset or option."
        })
public final class ModelsImportCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BUNDLE", description = "Bundle folder or .zip to import.")
    Path bundle;

    @Option(names = "--registry", required = true, paramLabel = "DIR",
            description = "The model registry root the trainer and workers use (registry.root / model.registryRoot).")
    Path registryRoot;

    @Option(names = "--dataset", required = true, paramLabel = "DIR",
            description = "Labelled dataset whose held-out cases judge the import (as the trainer splits it).")
    Path dataset;

    @Option(names = "--promotion", defaultValue = "auto", paramLabel = "POLICY",
            description = "auto (active when its mean Dice is at least the active one's minus --tolerance, else rejected), "
                    + "never (candidate) or force (active) (default: ${DEFAULT-VALUE}).")
    String promotion;

    @Option(names = "--tolerance", defaultValue = "0.01", paramLabel = "DICE",
            description = "The gate's tolerance, as the trainer's promotion.tolerance (default: ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--hold-out-fraction", defaultValue = "0.2", paramLabel = "F",
            description = "Share of the dataset held out, as the trainer's holdOut.fraction (default: ${DEFAULT-VALUE}).")
    double holdOutFraction;

    @Option(names = "--hold-out-seed", defaultValue = "0", paramLabel = "S",
            description = "Seed of the split, as the trainer's holdOut.seed (default: ${DEFAULT-VALUE}).")
    long holdOutSeed;

    @Mixin
    ModelsCommand.Target target;

    @Mixin
    EngineOptions engine;

    @Override
    public Integer call() throws Exception {
        Promotion policy;
        try {
            policy = Promotion.parse(promotion);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--promotion: " + e.getMessage());
        }
        PromotionGate gate;
        try {
            gate = new PromotionGate(tolerance);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--tolerance: " + e.getMessage());
        }
        if (!(holdOutFraction > 0 && holdOutFraction < 1)) {
            throw new BadInputException("--hold-out-fraction must be in (0, 1), got " + holdOutFraction);
        }
        List<Case> heldOut = BundleImporter.heldOut(dataset, "--dataset", holdOutFraction, holdOutSeed);
        ModelsAdmin admin = target.admin();
        PrintWriter out = spec.commandLine().getOut();
        BundleImporter importer = new BundleImporter(new ModelRegistry(registryRoot), target.name, admin, engine.settings());
        BundleImporter.Result r = importer.importBundle(bundle, heldOut, policy, gate, line -> {
            out.println(line + " of " + dataset);
            out.flush();
        });
        out.printf(Locale.ROOT, "imported %s as version %d of %s: held-out mean Dice %.4f (WT %.4f, TC %.4f, ET %.4f)%n",
                r.manifest().ref(), r.event().version(), target.name, r.candidate().meanDice(), r.candidate().dice().wt(),
                r.candidate().dice().tc(), r.candidate().dice().et());
        out.printf("%s -> %s%n", r.decision().reason(), r.decision().status().wire());
        ModelsCommand.print(out, r.change());
        return 0;
    }
}
