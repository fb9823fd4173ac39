package org.brainseg.cli.models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.brainseg.cli.command.BadInputException;
import org.brainseg.client.models.ModelsAdmin;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.DatasetScanner;
import org.brainseg.model.artifact.ModelArtifactException;
import org.brainseg.model.bundle.BundleContract;
import org.brainseg.model.bundle.BundleException;
import org.brainseg.model.bundle.BundleImport;
import org.brainseg.model.bundle.BundleSegmenter;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.model.quality.QualityFitter;
import org.brainseg.model.quality.QualityProfile;
import org.brainseg.model.train.DataSplit;
import org.brainseg.schemas.ModelCatalog;
import org.brainseg.schemas.ModelVersionPublished;
import org.brainseg.schemas.Promotion;
import org.brainseg.trainer.evaluation.Evaluation;
import org.brainseg.trainer.evaluation.Evaluator;
import org.brainseg.trainer.evaluation.HeldOutSet;
import org.brainseg.trainer.evaluation.PromotionGate;
import org.brainseg.trainer.registry.ModelRegistry;

/**
 * Makes a model trained elsewhere the next version of a model: copies and seals the bundle in the
 * registry, loads and probes its network, judges it on held-out cases beside the active version,
 * and publishes it through the trainer's promotion gate on brainseg.models. {@code brainseg models
 * import} and {@code brainseg demo --import-bundle} run it.
 *
 * @param registry the registry the trainer and workers of the model use
 * @param name     the model's name
 * @param admin    brainseg.models for that name
 * @param settings the engine (device, threads) for the probe and the evaluation
 */
public record BundleImporter(ModelRegistry registry, String name, ModelsAdmin admin, EngineSettings settings) {

    /** What an import published. */
    public record Result(ModelVersionPublished event, ModelsAdmin.Change change, BundleImport.Manifest manifest,
            BundleContract contract, Evaluation candidate, PromotionGate.Decision decision) {}

    /**
     * Imports {@code bundle} (a folder or .zip).
     *
     * @param progress one line per stage, for the console
     * @throws BadInputException for a bundle brainseg cannot serve ("import refused: FILE: FIELD: why") or a
     *     registry that is not this model's; nothing is published then
     */
    public Result importBundle(Path bundle, List<Case> heldOut, Promotion policy, PromotionGate gate, Consumer<String> progress)
            throws IOException {
        Path work = registry.newWorkDirectory(name);
        try {
            BundleImport.Manifest manifest;
            BundleContract contract;
            try {
                String ownName = BundleImport.stage(bundle, work);
                Files.deleteIfExists(work.resolve(QualityProfile.FILE_NAME)); // the bundle's own, if any, is not trusted
                BundleImport.seal(work, bundle.toAbsolutePath().toString(), ownName, Instant.now()); // names it
                try (BundleSegmenter s = BundleSegmenter.load(work, settings)) { // loads and probes the network
                    contract = s.contract();
                    progress.accept(String.format(Locale.ROOT, "bundle %s %s: %d channels %s, %s, window %s, on %s; judging on "
                            + "%d held-out cases", contract.name(), contract.version(), contract.channels().size(),
                            contract.channels(), contract.output().getClass().getSimpleName(),
                            Arrays.toString(contract.window().roi()), s.device(), heldOut.size()));
                    QualityFitter.Result q = QualityFitter.fit(s, heldOut, (done, total) -> { });
                    q.profile().write(work); // sealed with the rest below
                    progress.accept(String.format(Locale.ROOT, "quality estimate calibrated on the held-out cases: WT = %.3f + "
                            + "%.3f x flip Dice", q.profile().calibration().wt().intercept(),
                            q.profile().calibration().wt().slope()));
                }
                manifest = BundleImport.seal(work, bundle.toAbsolutePath().toString(), ownName, Instant.now()); // with quality.json
            } catch (BundleException e) {
                throw new BadInputException("import refused: " + e.getMessage());
            }

            ModelCatalog catalog = admin.catalog();
            if (catalog.highestVersion() > registry.latest(name)) {
                throw new BadInputException("the registry " + registry.root() + " holds versions of " + name + " up to "
                        + registry.latest(name) + " but brainseg.models announces up to " + catalog.highestVersion()
                        + ": not the registry the trainer and workers of this model use");
            }
            Optional<ModelVersionPublished> active = catalog.active();
            Evaluator evaluator = new Evaluator(settings);
            Path activeDir = active.map(BundleImporter::localDir).orElse(null);
            List<Path> dirs = new ArrayList<>(List.of(work));
            if (activeDir != null) {
                dirs.add(activeDir);
            }
            List<Evaluation> ev;
            try {
                ev = evaluator.evaluate(dirs, heldOut);
            } catch (ModelArtifactException e) {
                if (activeDir == null) {
                    throw new BadInputException("import refused: " + e.getMessage());
                }
                progress.accept(String.format("active version %d cannot be loaded here (%s); comparing with its published "
                        + "figures", active.get().version(), e.getMessage()));
                ev = evaluator.evaluate(List.of(work), heldOut);
            }
            Evaluation candidate = ev.get(0);
            Evaluation compared = ev.size() > 1 ? ev.get(1)
                    : active.map(a -> Evaluation.of(a.validation())).orElse(null);
            PromotionGate.Decision decision = gate.decide(policy, candidate.meanDice(),
                    compared == null ? null : compared.meanDice());

            int version = registry.publish(name, work);
            ModelVersionPublished event = event(name, version, registry.path(name, version), manifest, contract, candidate,
                    active, compared, decision);
            ModelsAdmin.Change change = admin.publishNew(event);
            return new Result(event, change, manifest, contract, candidate, decision);
        } finally {
            ModelRegistry.delete(work);
        }
    }

    /**
     * The held-out cases of a labelled dataset, split as the trainer splits ({@code holdOut.fraction},
     * {@code holdOut.seed}).
     *
     * @param option how the user named the dataset, for the error message
     */
    public static List<Case> heldOut(Path dataset, String option, double fraction, long seed) throws IOException {
        if (!Files.isDirectory(dataset)) {
            throw new BadInputException(option + " " + dataset + ": " + (Files.exists(dataset) ? "not a directory"
                    : "no such directory"));
        }
        List<Case> labelled = DatasetScanner.scan(dataset).cases().stream().filter(Case::hasLabel).toList();
        if (labelled.size() < 2) {
            throw new BadInputException(option + " " + dataset + " has " + labelled.size()
                    + " labelled case(s); the held-out split needs at least 2");
        }
        DataSplit split = HeldOutSet.split(labelled.stream().map(Case::id).toList(), fraction, seed);
        return split.validationOf(labelled, Case::id);
    }

    private static Path localDir(ModelVersionPublished v) {
        try {
            Path p = "file".equalsIgnoreCase(v.artifactUri().getScheme()) ? Path.of(v.artifactUri()) : null;
            return p != null && Files.isDirectory(p) ? p : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    static ModelVersionPublished event(String name, int version, Path dir, BundleImport.Manifest manifest,
            BundleContract contract, Evaluation candidate, Optional<ModelVersionPublished> active, Evaluation compared,
            PromotionGate.Decision decision) {
        int[] roi = contract.window().roi();
        ModelVersionPublished.Architecture arch = new ModelVersionPublished.Architecture(
                ModelVersionPublished.IMPORTED_FAMILY, null, null, contract.channels().size(),
                Math.max(2, contract.output().channels()), List.of(roi[0], roi[1], roi[2]));
        String trainedOn = "imported from " + manifest.importedFrom()
                + (contract.description().isBlank() ? "" : ": " + contract.description());
        if (trainedOn.length() > 2048) {
            trainedOn = trainedOn.substring(0, 2048);
        }
        ModelVersionPublished.Comparison comparison = null;
        if (compared != null && active.isPresent()) {
            ModelVersionPublished.Validation v = compared.toValidation();
            comparison = new ModelVersionPublished.Comparison(active.get().version(), v.loss(), v.dice());
        }
        return new ModelVersionPublished(UUID.randomUUID(), name, version, dir.toUri(),
                manifest.files().get(manifest.modelFile()), null, arch, trainedOn, candidate.toValidation(),
                decision.status(), null, Instant.now(), comparison, manifest.ref());
    }
}
