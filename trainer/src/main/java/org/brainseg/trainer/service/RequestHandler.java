package org.brainseg.trainer.service;

import java.io.EOFException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.CaseValidationException;
import org.brainseg.imaging.dataset.DatasetScan;
import org.brainseg.imaging.dataset.DatasetScanner;
import org.brainseg.imaging.nifti.NiftiFormatException;
import org.brainseg.imaging.preprocess.PreprocessedCase;
import org.brainseg.model.artifact.ModelArtifact;
import org.brainseg.model.artifact.ModelArtifactException;
import org.brainseg.model.artifact.ModelManifest;
import org.brainseg.model.infer.ScanSegmenter;
import org.brainseg.model.infer.Segmenter;
import org.brainseg.model.quality.QualityFitter;
import org.brainseg.model.train.DataSplit;
import org.brainseg.model.train.TrainingConfig;
import org.brainseg.model.train.TrainingData;
import org.brainseg.model.train.TrainingListener;
import org.brainseg.model.train.TrainingResult;
import org.brainseg.model.train.UNetTraining;
import org.brainseg.schemas.ErrorCode;
import org.brainseg.schemas.ModelCatalog;
import org.brainseg.schemas.ModelVersionPublished;
import org.brainseg.schemas.StartFrom;
import org.brainseg.schemas.TrainingRequested;
import org.brainseg.trainer.config.TrainerConfig;
import org.brainseg.trainer.evaluation.Evaluation;
import org.brainseg.trainer.evaluation.Evaluator;
import org.brainseg.trainer.evaluation.HeldOutSet;
import org.brainseg.trainer.registry.ModelRegistry;
import org.brainseg.trainer.registry.VersionRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one TrainingRequested into a version in the registry, or into a refusal: checks the
 * dataset, splits off the fixed held-out set ({@link HeldOutSet}), trains ({@link UNetTraining}),
 * evaluates the candidate and the active version on the held-out cases ({@link Evaluator}),
 * writes {@link VersionRecord} beside the model and publishes the directory to the registry.
 * Knows nothing of Kafka: the service publishes the outcome.
 *
 * <p>A request whose id a registry version already records is not trained again: the version is
 * returned as is (the trainer stopped after publishing it but before its Kafka commit), or, when
 * brainseg.models already names that version, the request is reported as done.
 */
public final class RequestHandler {
    private static final Logger LOG = LoggerFactory.getLogger(RequestHandler.class);
    /**
     * Fine-tuning starts at this fraction of {@code training.learningRate}: the rate that trains a
     * network from scratch undoes much of what a trained one knows in its first steps (the demo's
     * 150-step fine-tune at the full 3e-3 lowered held-out WT Dice from 0.86 to 0.69).
     */
    static final double FINE_TUNE_RATE = 0.1;

    private final TrainerConfig config;
    private final ModelRegistry registry;
    private final Evaluator evaluator;
    private final Clock clock;

    public RequestHandler(TrainerConfig config, ModelRegistry registry, Clock clock) {
        this.config = config;
        this.registry = registry;
        this.evaluator = new Evaluator(config.training().engine());
        this.clock = clock;
    }

    /** What became of a request. */
    public sealed interface Result permits Trained, Refused, AlreadyDone {}

    /**
     * A version in the registry, judged.
     *
     * @param reused whether it was found in the registry rather than trained now
     */
    public record Trained(int version, Path directory, ModelManifest manifest, VersionRecord record, boolean reused)
            implements Result {}

    /** The request cannot be served (bad dataset, training failed); it goes to brainseg.scans.failed. */
    public record Refused(ErrorCode code, String message) implements Result {}

    /** brainseg.models already names the version this request produced. */
    public record AlreadyDone(int version) implements Result {}

    private String name() {
        return config.registry().modelName();
    }

    /**
     * Handles a request against the catalog as it stands.
     *
     * @throws IOException when the registry cannot be written (fatal for the service)
     */
    public Result handle(TrainingRequested req, ModelCatalog catalog, TrainingListener listener) throws IOException {
        Optional<Integer> earlier = versionOf(req.requestId());
        if (earlier.isPresent()) {
            int v = earlier.get();
            if (catalog.version(v).isPresent()) {
                LOG.info("request {}: already published as version {}; nothing to do", req.requestId(), v);
                return new AlreadyDone(v);
            }
            Path dir = registry.path(name(), v);
            try {
                LOG.info("request {}: version {} is in the registry but was never announced; publishing it", req.requestId(), v);
                return new Trained(v, dir, ModelArtifact.readManifest(dir), VersionRecord.read(dir).orElseThrow(), true);
            } catch (ModelArtifactException e) {
                throw new IOException("registry version " + v + " of request " + req.requestId() + " is unreadable: "
                        + e.getMessage(), e);
            }
        }
        DatasetOrRefusal d = dataset(req.datasetUri());
        if (d.refused != null) {
            return d.refused;
        }
        return train(req, d.cases, catalog, listener);
    }

    /** The registry version recording this request id, if any (newest first). */
    Optional<Integer> versionOf(String requestId) throws IOException {
        List<Integer> versions = new ArrayList<>(registry.versions(name()));
        java.util.Collections.reverse(versions);
        for (int v : versions) {
            Optional<VersionRecord> r = VersionRecord.read(registry.path(name(), v));
            if (r.isPresent() && requestId.equals(r.get().requestId())) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    private record DatasetOrRefusal(List<Case> cases, Refused refused) {}

    /** The labelled cases of the dataset a request names, or why there are none to use. */
    DatasetOrRefusal dataset(URI uri) {
        if (!"file".equalsIgnoreCase(uri.getScheme())) {
            return refuse(ErrorCode.URI_NOT_ALLOWED, "datasetUri " + uri + ": only file: URIs are supported");
        }
        Path dir;
        try {
            dir = Path.of(uri).toAbsolutePath().normalize();
        } catch (IllegalArgumentException e) {
            return refuse(ErrorCode.URI_NOT_ALLOWED, "datasetUri " + uri + ": not a file path (" + e.getMessage() + ")");
        }
        if (!Files.isDirectory(dir)) {
            return refuse(ErrorCode.FILE_MISSING, "dataset " + dir + ": " + (Files.exists(dir) ? "not a directory" : "no such directory"));
        }
        if (!config.data().roots().isEmpty()) {
            Path real;
            try {
                real = dir.toRealPath();
            } catch (IOException e) {
                return refuse(ErrorCode.FILE_MISSING, "dataset " + dir + ": " + e.getMessage());
            }
            boolean inside = false;
            for (Path root : config.data().roots()) {
                try {
                    inside |= real.startsWith(root.toRealPath());
                } catch (IOException e) {
                    // a configured root that does not exist holds nothing
                }
            }
            if (!inside) {
                return refuse(ErrorCode.URI_NOT_ALLOWED, "dataset " + dir + " is outside the allowed data.roots " + config.data().roots());
            }
        }
        DatasetScan scan;
        try {
            scan = DatasetScanner.scan(dir);
        } catch (IOException e) {
            return refuse(ErrorCode.FILE_MISSING, "dataset " + dir + ": " + e.getMessage());
        }
        List<Case> labelled = scan.cases().stream().filter(Case::hasLabel).toList();
        if (labelled.size() < 2) {
            return refuse(ErrorCode.FILE_MISSING, "dataset " + dir + " (" + scan.layout().id() + ") has " + labelled.size()
                    + " labelled case(s); training needs at least 2 (1 to train on, 1 held out)"
                    + (scan.problems().isEmpty() ? "" : "; " + String.join("; ", scan.problems())));
        }
        scan.problems().forEach(p -> LOG.warn("dataset {}: {}", dir, p));
        return new DatasetOrRefusal(labelled, null);
    }

    private static DatasetOrRefusal refuse(ErrorCode code, String message) {
        return new DatasetOrRefusal(null, new Refused(code, message));
    }

    private Result train(TrainingRequested req, List<Case> cases, ModelCatalog catalog, TrainingListener listener)
            throws IOException {
        long t0 = System.nanoTime();
        DataSplit split = HeldOutSet.split(cases.stream().map(Case::id).toList(), config.holdOut().fraction(),
                config.holdOut().seed());
        List<Case> trainCases = split.trainOf(cases, Case::id);
        List<Case> heldOut = split.validationOf(cases, Case::id);
        TrainingConfig tc = config.training().toTrainingConfig(req.normalization(), req.epochs(),
                req.seed());
        LOG.info("request {}: training {} on {} cases of {}, judging on {} held-out cases {}", req.requestId(),
                tc.normalization().wire(), trainCases.size(), req.datasetUri(), heldOut.size(), split.validation());
        UNetTraining training = new UNetTraining(tc, config.training().engine());
        if (req.startFrom() == StartFrom.ACTIVE) {
            Optional<ModelVersionPublished> active = catalog.active();
            if (active.isEmpty()) {
                LOG.info("request {}: asks to fine-tune the active version, but none is active; training from scratch",
                        req.requestId());
            } else if (!active.get().isNative()) {
                return new Refused(ErrorCode.INCOMPATIBLE_MODEL, "cannot fine-tune active version "
                        + active.get().version() + ": it is an imported model (" + active.get().modelRef()
                        + ", " + active.get().architecture().family() + "); the trainer fine-tunes brainseg's own U-Net "
                        + "only. Ask to start from scratch, or make a native version active first");
            } else {
                Path from = localDir(active.get().artifactUri());
                String why = from == null ? "its artifact " + active.get().artifactUri() + " is not a directory here"
                        : incompatibility(from, tc);
                if (why != null) {
                    return new Refused(ErrorCode.INCOMPATIBLE_MODEL, "cannot fine-tune active version "
                            + active.get().version() + ": " + why);
                }
                tc = tc.toBuilder().learningRate((float) (tc.learningRate() * FINE_TUNE_RATE)).build();
                LOG.info("request {}: fine-tuning active version {} ({}) at learning rate {}", req.requestId(),
                        active.get().version(), from, tc.learningRate());
                training = new UNetTraining(tc, config.training().engine()).startingFrom(from);
            }
        }
        List<PreprocessedCase> data;
        try {
            data = TrainingData.load(trainCases, tc.preprocessing(), null);
        } catch (IOException | RuntimeException e) {
            return new Refused(codeOf(e), "dataset " + req.datasetUri() + ": " + message(e));
        }
        Path work = registry.newWorkDirectory(name());
        try {
            TrainingResult result;
            try {
                result = training.fit(data, List.of(), work, listener);
            } catch (TrainingCancelledException e) {
                throw e;
            } catch (ModelArtifactException e) {
                return new Refused(ErrorCode.INCOMPATIBLE_MODEL, "cannot start from the active version's weights: "
                        + message(e));
            } catch (RuntimeException e) {
                LOG.warn("request {}: training failed: {}", req.requestId(), e.toString());
                return new Refused(ErrorCode.INTERNAL, "training failed: " + message(e));
            }
            data = null; // the preprocessed volumes are not needed any more
            Optional<ModelVersionPublished> active = catalog.active();
            Evaluation candidate;
            Evaluation compared = null;
            try {
                List<Path> dirs = new ArrayList<>(List.of(work));
                Path activeDir = active.map(a -> localDir(a.artifactUri())).orElse(null);
                if (activeDir != null) {
                    dirs.add(activeDir);
                }
                List<Evaluation> ev;
                try {
                    ev = evaluator.evaluate(dirs, heldOut);
                } catch (ModelArtifactException e) {
                    if (activeDir == null || !within(e.file(), activeDir)) {
                        throw e; // the candidate itself cannot be loaded
                    }
                    LOG.warn("active version {} cannot be loaded ({}); comparing with its published figures",
                            active.get().version(), e.getMessage());
                    ev = evaluator.evaluate(List.of(work), heldOut);
                }
                candidate = ev.get(0);
                if (ev.size() > 1) {
                    compared = ev.get(1);
                } else if (active.isPresent()) {
                    compared = Evaluation.of(active.get().validation());
                }
            } catch (IOException | RuntimeException e) {
                if (e instanceof TrainingCancelledException c) {
                    throw c;
                }
                return new Refused(codeOf(e), "evaluating on the held-out cases failed: " + message(e));
            }
            calibrate(req, work, heldOut);
            String trainedOn = req.datasetUri() + " (training data sha256 " + result.manifest().trainingDataHash() + ")";
            VersionRecord record = new VersionRecord(req.requestId(), req.reason(), req.datasetUri(), req.normalization().wire(),
                    req.epochs(), req.seed(), req.promotion().wire(), trainedOn, candidate,
                    active.map(ModelVersionPublished::version).orElse(null), compared, (System.nanoTime() - t0) / 1e9,
                    clock.instant().toString());
            record.write(work);
            int version = registry.publish(name(), work);
            Path dir = registry.path(name(), version);
            LOG.info(String.format(Locale.ROOT, "request %s: version %d trained in %.0f s, held-out mean Dice %.4f, loss %.4f%s",
                    req.requestId(), version, record.trainingSeconds(), candidate.meanDice(), candidate.loss(),
                    compared == null ? "" : String.format(Locale.ROOT, "; active version %d: mean Dice %.4f, loss %s",
                            record.comparedWithVersion(), compared.meanDice(), compared.loss())));
            try {
                return new Trained(version, dir, ModelArtifact.readManifest(dir), record, false);
            } catch (ModelArtifactException e) {
                throw new IOException("published version " + version + " is unreadable: " + e.getMessage(), e);
            }
        } finally {
            ModelRegistry.delete(work);
        }
    }

    /** Why the model in {@code dir} cannot be the start of training {@code tc}, or null when it can. */
    static String incompatibility(Path dir, TrainingConfig tc) {
        try {
            String why = UNetTraining.incompatibility(ModelArtifact.readManifest(dir), tc);
            return why == null ? null : why + " (ask for its normalization, or start from scratch)";
        } catch (ModelArtifactException e) {
            return e.getMessage();
        }
    }

    /** The directory of a file: artifact URI, or null when it is not one on this machine. */
    static Path localDir(URI uri) {
        try {
            Path p = "file".equalsIgnoreCase(uri.getScheme()) ? Path.of(uri) : null;
            return p != null && Files.isDirectory(p) ? p : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    static ErrorCode codeOf(Throwable e) {
        if (e instanceof CaseValidationException c) {
            try {
                return ErrorCode.valueOf(c.code());
            } catch (IllegalArgumentException x) {
                return ErrorCode.INTERNAL;
            }
        }
        if (e instanceof NiftiFormatException || e instanceof EOFException) {
            return ErrorCode.NIFTI_CORRUPT;
        }
        if (e instanceof NoSuchFileException || e instanceof AccessDeniedException) {
            return ErrorCode.FILE_MISSING;
        }
        if (e instanceof ModelArtifactException) {
            return ErrorCode.INTERNAL;
        }
        return e instanceof IOException ? ErrorCode.FILE_MISSING : ErrorCode.INTERNAL;
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        if (e instanceof NoSuchFileException n) {
            m = n.getFile() + ": no such file";
        }
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** Whether {@code file} (a model directory or a file in one) lies in {@code dir}. */
    private static boolean within(Path file, Path dir) {
        return file != null && file.toAbsolutePath().normalize().startsWith(dir.toAbsolutePath().normalize());
    }

    /**
     * Writes the candidate's quality profile (quality.json: predicted-Dice calibration and input
     * reference) from the held-out cases, so that workers can estimate each mask's quality. A
     * failure costs the estimate, not the version: logged, and the version goes out without one.
     */
    private void calibrate(TrainingRequested req, Path work, List<Case> heldOut) {
        try (ScanSegmenter s = Segmenter.load(work, config.training().engine())) {
            QualityFitter.Result r = QualityFitter.fit(s, heldOut, (done, total) -> { });
            r.profile().write(work);
            LOG.info(String.format(Locale.ROOT, "request %s: quality profile from %d held-out cases (WT: %.3f + %.3f x flip Dice)",
                    req.requestId(), r.points().size(), r.profile().calibration().wt().intercept(),
                    r.profile().calibration().wt().slope()));
        } catch (IOException | RuntimeException e) {
            if (e instanceof TrainingCancelledException c) {
                throw c;
            }
            LOG.warn("request {}: no quality profile: {}", req.requestId(), message(e));
        }
    }
}
