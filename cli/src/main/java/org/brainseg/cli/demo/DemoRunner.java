package org.brainseg.cli.demo;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.brainseg.cli.command.BadInputException;
import org.brainseg.cli.console.LiveLine;
import org.brainseg.cli.models.BundleImporter;
import org.brainseg.client.models.ModelsAdmin;
import org.brainseg.client.retrain.RetrainRequests;
import org.brainseg.client.submit.ScanSubmitter;
import org.brainseg.client.topics.TopicsInitializer;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.DatasetScanner;
import org.brainseg.imaging.io.FileTrees;
import org.brainseg.kafka.embedded.EmbeddedKafka;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.schemas.DiceReported;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.ModelCatalog;
import org.brainseg.schemas.ModelStatus;
import org.brainseg.schemas.ModelVersionPublished;
import org.brainseg.schemas.Normalization;
import org.brainseg.schemas.Promotion;
import org.brainseg.schemas.RegionValues;
import org.brainseg.schemas.ScanArrived;
import org.brainseg.schemas.ScanFailed;
import org.brainseg.schemas.SegmentationCompleted;
import org.brainseg.schemas.StartFrom;
import org.brainseg.schemas.Topics;
import org.brainseg.schemas.TrainingRequested;
import org.brainseg.trainer.evaluation.PromotionGate;
import org.brainseg.trainer.registry.ModelRegistry;
import org.brainseg.trainer.registry.ShippedSeed;
import org.brainseg.trainer.service.TrainerService;
import org.brainseg.trainer.service.TrainerStatus;
import org.brainseg.trainer.service.TrainingOutcome;
import org.brainseg.worker.Worker;

/**
 * {@code brainseg demo}: the whole system on one machine. Starts the embedded KRaft broker (or
 * uses {@code --bootstrap}), a cached synthetic cohort (or {@code --data}), the trainer service
 * and a worker that follows {@code brainseg.models}; serves the shipped default model as version 1
 * (the trainer seeds it into an empty registry; no training first), streams the scans, asks for a
 * fine-tune part-way and shows the worker swapping to the new version while scans flow; ends with a
 * per-version summary.
 */
public final class DemoRunner {
    /** The model name the demo's trainer and worker share. */
    public static final String MODEL = "brainseg";
    /** Seed of the streamed synthetic cohort; the shipped model was trained on another (models/default/MODEL_CARD.md). */
    static final long STREAM_SEED = 42;
    /** Seed of the cohort the part-way retrain fine-tunes on: never streamed. */
    static final long RETRAIN_SEED = 43;

    /** What a finished run reports; the tests read it. */
    public record Summary(int submitted, int completed, int failed, Map<Integer, Integer> completedByVersion, int initialVersion,
            int finalVersion, String table, Map<Integer, RegionValues> meanDiceByVersion) {}

    private final DemoOptions o;
    private final PrintStream out;
    private final DemoConsole console;
    private final EventCodec codec = new EventCodec();
    private final String runId = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
    private final List<AutoCloseable> open = new ArrayList<>();
    private boolean shutDown;
    private Normalization servingNormalization = Normalization.LAYER;
    private DemoPacs pacs;

    public DemoRunner(DemoOptions options, PrintStream out) {
        this.o = options;
        this.out = out;
        this.console = new DemoConsole(out);
    }

    public Summary run() throws Exception {
        long deadline = System.nanoTime() + o.timeout().toNanos();
        Files.createDirectories(o.workDir());
        try {
            String bootstrap = kafka();
            Data data = data();
            Services services = services(bootstrap, data);
            int initial = initialModel(bootstrap, services.registryRoot(), data.dir(), services.trainer(), services.worker(),
                    deadline);
            Summary s = stream(bootstrap, data.cases(), data.retrainDir(), services, initial, deadline);
            report(s, bootstrap, data, services, deadline);
            return s;
        } finally {
            shutdown();
        }
    }

    /** The streamed cases, where they are, and what the part-way retrain trains on. */
    private record Data(List<Case> cases, Path dir, Path retrainDir) {}

    /** The services the demo started, with the registry and mask roots they share. */
    private record Services(TrainerService trainer, Worker worker, org.brainseg.viewer.Viewer viewer, Path registryRoot,
            Path masks) {}

    /** Step 1: the embedded broker (or the given Kafka) with brainseg's topics; returns the bootstrap address. */
    private String kafka() throws Exception {
        String bootstrap;
        if (o.bootstrap() == null) {
            Path logDir = o.workDir().resolve("kafka");
            FileTrees.delete(logDir); // a fresh broker per run; the registry is kept
            console.step("Kafka: starting the embedded single-node KRaft broker");
            EmbeddedKafka kafka = EmbeddedKafka.builder().logDir(logDir).build();
            opened(kafka);
            kafka.start();
            bootstrap = kafka.bootstrapServers();
            console.line("broker at %s (log %s), ready in %.1f s", bootstrap, logDir, kafka.lastStartupTime().toMillis() / 1e3);
        } else {
            bootstrap = o.bootstrap();
            console.step("Kafka: using %s", bootstrap);
        }
        createTopics(bootstrap);
        console.line("topics: %s", String.join(", ", Topics.all().stream().map(Topics.Spec::name).toList()));
        return bootstrap;
    }

    /** Step 2: the cohorts (generated once and cached) or the user's dataset. */
    private Data data() throws Exception {
        List<Case> cases;
        Path dataDir;
        Path retrainDir;
        if (o.data() == null) {
            console.step("Data: synthetic cohorts at %s mm: %d cases to stream (seed %d), %d to retrain on (seed %d)",
                    o.spacingMm(), o.cases(), STREAM_SEED, retrainCases(), RETRAIN_SEED);
            DemoCohort.Result cohort = DemoCohort.ensure(o.cacheRoot(), o.cases(), o.spacingMm(), STREAM_SEED,
                    id -> console.line("generated %s", id));
            DemoCohort.Result retrain = DemoCohort.ensure(o.cacheRoot(), retrainCases(), o.spacingMm(), RETRAIN_SEED,
                    id -> console.line("generated %s (retrain cohort)", id));
            cases = cohort.cases();
            dataDir = cohort.dir();
            retrainDir = retrain.dir();
            console.line("%s %s and %s", cohort.cached() && retrain.cached() ? "cached in" : "written to", dataDir, retrainDir);
            console.line("the streamed scans are held out: no model of this run trains on them (the shipped model was "
                    + "trained on another cohort, the retrain uses the retrain cohort)");
        } else {
            dataDir = o.data().toAbsolutePath().normalize();
            console.step("Data: %s", dataDir);
            cases = DatasetScanner.scan(dataDir).cases();
            retrainDir = dataDir;
            console.line("%d cases (streamed and retrained on: with --data the retrained model's Dice is not held out)",
                    cases.size());
        }
        List<Case> labelled = cases.stream().filter(Case::hasLabel).toList();
        if (labelled.size() < 3) {
            throw new IllegalArgumentException(dataDir + ": the demo trains on labelled cases and needs at least 3, found "
                    + labelled.size());
        }
        return new Data(cases, dataDir, retrainDir);
    }

    /** Step 3: the trainer, the PACS bridge (with --orthanc), the worker and the viewer. */
    private Services services(String bootstrap, Data data) throws Exception {
        Path registryRoot = Files.createDirectories(o.workDir().resolve("registry"));
        Path masks = Files.createDirectories(o.workDir().resolve("masks"));
        console.step("Services: trainer and worker");
        TrainerService trainer = TrainerService.start(DemoConfigs.trainer(o, bootstrap, registryRoot,
                List.of(data.dir(), data.retrainDir())), this::fatal);
        opened(trainer);
        console.line("trainer: http://127.0.0.1:%d/v1/status (registry %s)", trainer.httpPort(), registryRoot);
        List<Path> inputs = List.of(data.dir());
        if (o.orthanc() != null) {
            pacs = DemoPacs.start(o.orthanc(), bootstrap, o.kafkaProperties(), o.workDir(), masks, runId, this::fatal);
            opened(pacs);
            inputs = List.of(data.dir(), pacs.scans());
            console.line("PACS bridge: following %s from its current change; metrics http://127.0.0.1:%d/metrics",
                    o.orthanc(), pacs.httpPort());
        }
        Worker worker = Worker.start(DemoConfigs.worker(o, bootstrap, inputs, masks, registryRoot), this::fatal);
        opened(worker);
        console.line("worker:  http://127.0.0.1:%d/v1/status (masks %s)", worker.httpPort(), masks);
        // the viewer: started beside the worker; 8090 unless the demo runs on free ports
        org.brainseg.viewer.Viewer viewer = DemoViewer.start(bootstrap, o.kafkaProperties(), data.dir(), masks, o.workerPort() == 0);
        opened(viewer);
        console.line("viewer:  %s (every scan's mask over its MRI; 127.0.0.1 only, so no login)", viewer.url());
        return new Services(trainer, worker, viewer, registryRoot, masks);
    }

    /** Step 6: the summary table, where things are, and with --keep-running what to try next (until Ctrl-C). */
    private void report(Summary s, String bootstrap, Data data, Services services, long deadline) throws Exception {
        console.step("Summary (%d scans, %d failed)", s.completed(), s.failed());
        out.print(s.table());
        if (pacs != null) {
            awaitSegs(s.completed(), deadline);
        }
        console.line("masks:    %s", services.masks().toAbsolutePath());
        console.line("registry: %s", services.registryRoot().toAbsolutePath());
        console.line("metrics:  http://127.0.0.1:%d/metrics (worker), http://127.0.0.1:%d/metrics (trainer)",
                services.worker().httpPort(), services.trainer().httpPort());
        if (o.keepRunning()) {
            console.line("");
            console.line("Kafka bootstrap: %s — e.g. ./brainseg consume --bootstrap %s --topic brainseg.segmentations --from-beginning",
                    bootstrap, bootstrap);
            console.line("./brainseg models list --bootstrap %s     ./brainseg retrain --bootstrap %s --dataset %s", bootstrap,
                    bootstrap, data.dir());
            console.line("viewer: %s", services.viewer().url());
            console.line("Running until Ctrl-C.");
            out.flush();
            new CountDownLatch(1).await(); // until Ctrl-C: the shutdown hook closes everything
        }
    }

    private synchronized void opened(AutoCloseable c) throws InterruptedException {
        if (shutDown) {
            throw new InterruptedException("the demo is shutting down");
        }
        open.add(0, c);
    }

    /**
     * Closes what the run started, newest first (worker, trainer, broker); idempotent. Called at
     * the end of {@link #run} and by the command's shutdown hook on Ctrl-C, so that a training or
     * an inference in progress is stopped cleanly before the JVM exits.
     */
    public synchronized void shutdown() {
        shutDown = true;
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception e) {
                console.line("closing %s: %s", c.getClass().getSimpleName(), e);
            }
        }
        open.clear();
    }

    private void createTopics(String bootstrap) throws Exception {
        Map<String, Object> p = new java.util.HashMap<>(o.kafkaProperties());
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            TopicsInitializer.createAll(admin, Topics.DEFAULT_SCAN_PARTITIONS, (short) 1, Duration.ofSeconds(30));
        }
    }

    /**
     * Step 4: makes sure a version is active: the one already active on the topic, else the shipped
     * model seeded into an empty registry, else the newest in the registry (left by an earlier run)
     * published as active, else a first model trained through the trainer. Returns its version once
     * the worker serves it.
     */
    private int initialModel(String bootstrap, Path registryRoot, Path dataDir, TrainerService trainer, Worker worker, long deadline)
            throws Exception {
        ModelsAdmin admin = new ModelsAdmin(bootstrap, o.kafkaProperties(), MODEL, Duration.ofSeconds(30));
        ModelCatalog catalog = admin.catalog();
        Optional<ModelVersionPublished> active = catalog.active();
        Optional<ShippedSeed.Seeded> seeded = active.isPresent() ? Optional.empty()
                : ShippedSeed.seedIfEmpty(new ModelRegistry(registryRoot), MODEL, Clock.systemUTC());
        Optional<ModelVersionPublished> earlier = active.isPresent() ? Optional.empty() : DemoRegistry.newestVersion(registryRoot);
        if (active.isPresent()) {
            console.step("Model: v%d is active on %s", active.get().version(), Topics.MODELS);
        } else if (seeded.isPresent() && earlier.isPresent()) {
            console.step("Model: the shipped default model (models/default, %s, validation mean Dice %.2f) as v%d; publishing it "
                    + "as active, no training before the first scan", seeded.get().manifest().architecture().normalization().wire(),
                    seeded.get().record().candidate().meanDice(), earlier.get().version());
            DemoRegistry.publish(bootstrap, o.kafkaProperties(), earlier.get());
        } else if (earlier.isPresent()) {
            console.step("Model: v%d from an earlier run is in the registry; publishing it as active", earlier.get().version());
            DemoRegistry.publish(bootstrap, o.kafkaProperties(), earlier.get());
        } else {
            console.step("Model: training the initial layer model (%d epochs x %d steps) through the trainer", o.epochs(),
                    o.stepsPerEpoch());
            TrainingRequested req = request("demo: initial model", dataDir, Promotion.FORCE, 1);
            RetrainRequests.publish(bootstrap, o.kafkaProperties(), req, Duration.ofSeconds(30));
            console.line("published TrainingRequested %s on %s", req.requestId(), Topics.TRAINING_REQUESTS);
            awaitTraining(trainer, req.requestId(), deadline);
        }
        // the worker loads, verifies and warms up the active version, then becomes ready
        long t0 = System.nanoTime();
        while (!worker.status().ready()) {
            checkDeadline(deadline, "the worker did not become ready: " + worker.status().problems());
            Thread.sleep(100);
        }
        int v = worker.status().modelVersion();
        console.line("worker serves v%d (loaded, verified, warmed up in %.1f s)", v, (System.nanoTime() - t0) / 1e9);
        servingNormalization = admin.catalog().version(v).map(ModelVersionPublished::normalization).orElse(Normalization.LAYER);
        return v;
    }

    /** Step 5: streams every case, asks for the fine-tune half-way, follows the swap, streams them again. */
    private Summary stream(String bootstrap, List<Case> cases, Path dataDir, Services services, int initial, long deadline)
            throws Exception {
        TrainerService trainer = services.trainer();
        Worker worker = services.worker();
        long start = System.nanoTime();
        DemoStats stats = new DemoStats(start);
        AtomicBoolean following = new AtomicBoolean(true);
        TopicFollower topics = new TopicFollower(bootstrap, o.kafkaProperties(), console);
        List<Thread> followers = List.of(
                topics.thread(Topics.SEGMENTATIONS, r -> stats.completed(codec.decode(r.value(), SegmentationCompleted.class)),
                        following),
                topics.thread(Topics.DICE, r -> stats.dice(codec.decode(r.value(), DiceReported.class)), following),
                topics.thread(Topics.SCANS_FAILED, r -> stats.failed(codec.decode(r.value(), ScanFailed.class)), following));
        followers.forEach(Thread::start);
        int total = cases.size() * 2;
        try (ScanSubmitter submitter = new ScanSubmitter(bootstrap, o.kafkaProperties(), Clock.systemUTC());
                LiveLine live = new LiveLine(out, "    ")) {
            console.step("Streaming %d scans: %d now, %s at half-way, %d more once the worker has swapped", total, cases.size(),
                    o.importBundle() == null ? "a retrain" : "an import of " + o.importBundle().getFileName(), cases.size());
            send(submitter, cases, 1);
            String retrainId = null;
            boolean retrainSettled = false; // swapped to the new version, or the trainer did not promote it
            boolean secondWave = false;
            int lastVersion = initial;
            while (true) {
                int done = stats.completedCount() + stats.failedCount();
                int serving = worker.status().modelVersion();
                TrainerStatus ts = trainer.status();
                if (retrainId == null && o.importBundle() != null && done >= cases.size() / 2) {
                    retrainId = "import";
                    live.println(String.format(Locale.ROOT, "importing %s after %d scans (promotion %s)", o.importBundle(), done,
                            o.promotion()));
                    String outcome = importBundle(bootstrap, services.registryRoot(), dataDir, live);
                    if (outcome != null) {
                        live.println(outcome + ": v" + serving + " keeps serving");
                        retrainSettled = true;
                    }
                }
                if (retrainId == null && done >= cases.size() / 2) {
                    // a new seed per retrain (the serving version + 1): the same seed on the same data would reproduce the model exactly
                    TrainingRequested req = fineTune("demo: fine-tune part-way through the stream", dataDir, o.promotion(),
                            serving + 1L);
                    RetrainRequests.publish(bootstrap, o.kafkaProperties(), req, Duration.ofSeconds(30));
                    retrainId = req.requestId();
                    live.println(String.format(Locale.ROOT, "retrain requested after %d scans: fine-tune v%d on %s (request %s, "
                            + "promotion %s)", done, serving, dataDir.getFileName(), retrainId, o.promotion()));
                }
                if (serving != lastVersion) {
                    live.println(String.format(Locale.ROOT, "hot swap: v%d -> v%d after %d scans; the stream did not stop",
                            lastVersion, serving, done));
                    lastVersion = serving;
                    retrainSettled = true;
                }
                TrainerStatus.Last last = ts.last();
                if (!retrainSettled && retrainId != null && last != null && retrainId.equals(last.requestId())
                        && last.outcome() != TrainingOutcome.PROMOTED) {
                    live.println(String.format(Locale.ROOT, "retrain %s (%s): v%d keeps serving", last.outcome(), last.message(),
                            serving));
                    retrainSettled = true;
                }
                if (!secondWave && retrainSettled && done >= cases.size()) {
                    send(submitter, cases, 2);
                    secondWave = true;
                }
                String training = trainingNote(ts, retrainId);
                live.update(stats.progressLine(total, serving, System.nanoTime()) + (training == null ? "" : " · " + training)
                        + (pacs == null ? "" : pacs.uploadNote(total)));
                if (secondWave && done >= total) {
                    break;
                }
                checkDeadline(deadline, stats.progressLine(total, serving, System.nanoTime()));
                Thread.sleep(250);
            }
        } finally {
            if (pacs != null) {
                pacs.stopUploads();
            }
            following.set(false);
            for (Thread t : followers) {
                t.join(10_000);
            }
        }
        return new Summary(total, stats.completedCount(), stats.failedCount(), stats.completedByVersion(), initial,
                worker.status().modelVersion(), stats.summaryTable(), stats.meanDiceByVersion());
    }

    /**
     * With --import-bundle: imports the bundle as the next version through the promotion gate,
     * judged on the held-out part of {@code dataDir}. Returns why the worker will not swap (refused,
     * candidate or rejected), or null when the import is active and the worker will swap to it.
     */
    private String importBundle(String bootstrap, Path registryRoot, Path dataDir, LiveLine live) throws Exception {
        ModelsAdmin admin = new ModelsAdmin(bootstrap, o.kafkaProperties(), MODEL, Duration.ofSeconds(30));
        BundleImporter importer = new BundleImporter(new ModelRegistry(registryRoot), MODEL, admin, EngineSettings.defaults());
        try {
            List<Case> heldOut = BundleImporter.heldOut(dataDir, "the demo's retrain cohort", 0.2, 0);
            BundleImporter.Result r = importer.importBundle(o.importBundle(), heldOut, o.promotion(), new PromotionGate(0.01),
                    live::println);
            live.println(String.format(Locale.ROOT, "imported %s as v%d: held-out mean Dice %.3f; %s -> %s", r.manifest().ref(),
                    r.event().version(), r.candidate().meanDice(), r.decision().reason(), r.decision().status().wire()));
            return r.decision().status() == ModelStatus.ACTIVE ? null : "import " + r.decision().status().wire();
        } catch (BadInputException e) {
            return e.getMessage();
        }
    }

    /** "training e/E" while the retrain runs, null otherwise. */
    private static String trainingNote(TrainerStatus s, String requestId) {
        TrainerStatus.Current c = s.current();
        if (c == null || requestId == null || !requestId.equals(c.requestId())) {
            return null;
        }
        return "training epoch " + c.epoch() + "/" + c.epochs();
    }

    /** One wave of the cohort: ScanArrived events, or (with --orthanc) DICOM studies uploaded to the PACS. */
    private void send(ScanSubmitter submitter, List<Case> cases, int wave) throws Exception {
        if (pacs == null) {
            submitter.submit(wave(submitter, cases, wave));
        } else {
            pacs.uploadInBackground(cases, "demo-" + runId + "-w" + wave);
        }
    }

    /** With --orthanc: waits until every segmented study has its DICOM SEG back in the PACS, and says so. */
    private void awaitSegs(int completed, long deadline) throws Exception {
        long until = Math.min(deadline, System.nanoTime() + Duration.ofMinutes(2).toNanos());
        while (pacs.segStored() < completed && System.nanoTime() < until) {
            Thread.sleep(200);
        }
        console.line("DICOM SEG:  %d of %d segmented studies have their SEG in the PACS (%s, Orthanc Explorer: %s)",
                pacs.segStored(), completed, o.orthanc().url(), o.orthanc().url().resolve("app/explorer.html"));
        console.line("Dice:       none for PACS studies (DICOM carries no ground truth); the file-based demo reports it");
    }

    private List<ScanArrived> wave(ScanSubmitter submitter, List<Case> cases, int wave) {
        List<ScanArrived> events = new ArrayList<>();
        for (Case c : cases) {
            events.add(submitter.eventFor(c, "demo-" + runId + "-w" + wave + "-" + c.id()));
        }
        return events;
    }

    private void awaitTraining(TrainerService trainer, String requestId, long deadline) throws Exception {
        try (LiveLine live = new LiveLine(out, "    ")) {
            while (true) {
                TrainerStatus s = trainer.status();
                TrainerStatus.Last last = s.last();
                if (last != null && requestId.equals(last.requestId())) {
                    live.println(String.format(Locale.ROOT, "%s: v%d, held-out mean Dice %.3f", last.outcome(), last.version(),
                            last.candidateMeanDice()));
                    if (last.outcome() != TrainingOutcome.PROMOTED) {
                        throw new IllegalStateException("the initial model was not promoted: " + last.outcome() + " " + last.message());
                    }
                    return;
                }
                String note = trainingNote(s, requestId);
                live.update(note == null ? "waiting for the trainer" : note);
                checkDeadline(deadline, "training did not finish: " + s);
                Thread.sleep(250);
            }
        }
    }

    /** The initial model's request: from scratch, the demo's default normalization. */
    private TrainingRequested request(String reason, Path dataDir, Promotion promotion, long seed) {
        return new TrainingRequested(UUID.randomUUID(), "demo-" + runId + "-seed" + seed, reason, dataDir.toUri(), Normalization.LAYER,
                o.epochs(), seed, promotion);
    }

    /** The part-way retrain: fine-tunes the serving version, so a CPU budget of minutes improves it. */
    private TrainingRequested fineTune(String reason, Path dataDir, Promotion promotion, long seed) {
        return new TrainingRequested(UUID.randomUUID(), "demo-" + runId + "-seed" + seed, reason, dataDir.toUri(),
                servingNormalization, o.epochs(), seed, promotion, StartFrom.ACTIVE);
    }

    private int retrainCases() {
        return Math.max(4, o.cases());
    }

    private void fatal(Throwable t) {
        out.println("fatal: " + t);
    }

    private static void checkDeadline(long deadline, String what) throws TimeoutException {
        if (System.nanoTime() > deadline) {
            throw new TimeoutException("the demo ran past its --timeout: " + what);
        }
    }

}
