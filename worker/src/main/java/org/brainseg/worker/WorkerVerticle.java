package org.brainseg.worker;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.brainseg.model.bundle.BundleSegmenter;
import org.brainseg.model.check.NumericsCheck;
import org.brainseg.model.engine.DeviceChoice;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.model.infer.ScanSegmenter;
import org.brainseg.model.quality.QualityProfile;
import org.brainseg.schemas.ErrorCode;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.ModelRef;
import org.brainseg.schemas.RegistryLayout;
import org.brainseg.schemas.Topics;
import org.brainseg.service.config.KafkaSection;
import org.brainseg.service.http.HttpVerticle;
import org.brainseg.service.kafka.KafkaClients;
import org.brainseg.service.run.Closeables;
import org.brainseg.service.run.JvmMeters;
import org.brainseg.service.store.LocalFileStore;
import org.brainseg.worker.config.WorkerConfig;
import org.brainseg.worker.ingest.IngestLoop;
import org.brainseg.worker.ingest.IngestVerticle;
import org.brainseg.worker.model.ModelFollowStatus;
import org.brainseg.worker.model.ModelFollower;
import org.brainseg.worker.model.ModelHolder;
import org.brainseg.worker.model.RegistryRoot;
import org.brainseg.worker.model.ServingModel;
import org.brainseg.worker.model.VersionLoader;
import org.brainseg.worker.pipeline.ScanProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's main verticle: assembles the pipeline (off the event loop), then deploys the ingest
 * loop and the HTTP endpoints. With {@code model.directory} set it loads that version first and
 * start fails, with the reason, when the model or Kafka is not usable (a worker that cannot work
 * stops, and the orchestrator restarts it). Following {@code brainseg.models} instead, start
 * completes with HTTP up and the worker not ready; the ingest loop is deployed once the
 * {@link ModelFollower} has swapped in the first active version, so no scan is taken before a
 * model can serve it.
 */
public final class WorkerVerticle extends AbstractVerticle {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerVerticle.class);

    private final WorkerConfig config;
    private final Consumer<Throwable> onFatal;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ModelHolder models = new ModelHolder();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private volatile IngestLoop loop;
    private volatile HttpVerticle http;
    private volatile ModelFollower follower;
    private volatile boolean ingestDeployed;
    private volatile boolean stopping;

    public WorkerVerticle(WorkerConfig config, Consumer<Throwable> onFatal) {
        this.config = config;
        this.onFatal = onFatal;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The bound HTTP port, once started. */
    public int httpPort() {
        return http == null ? -1 : http.actualPort();
    }

    @Override
    public void start(Promise<Void> started) {
        vertx.executeBlocking(this::assemble)
                .compose(l -> config.model().follows() ? Future.succeededFuture() : deployIngest(l))
                .compose(x -> {
                    http = new HttpVerticle(config.http(), registry, this::status, r -> {});
                    return vertx.deployVerticle(http);
                })
                .onSuccess(id -> {
                    if (follower != null) {
                        LOG.info("worker up, following model '{}' on {}: ready once a version is loaded",
                                config.model().name(), Topics.MODELS);
                        follower.start();
                    } else {
                        logReady();
                    }
                    started.complete();
                })
                .onFailure(started::fail);
    }

    private Future<String> deployIngest(IngestLoop l) {
        return vertx.deployVerticle(new IngestVerticle(l, Duration.ofSeconds(60), onFatal))
                .onSuccess(id -> ingestDeployed = true);
    }

    /** Called on the follower's thread once the first version serves: start taking scans. */
    private void startIngest() {
        context.runOnContext(v -> {
            if (stopping) {
                return;
            }
            deployIngest(loop).onSuccess(id -> logReady()).onFailure(onFatal::accept);
        });
    }

    private void logReady() {
        LOG.info("worker ready: model v{} on {}, {} inference threads, at most {} scans in flight", models.version(),
                models.device(), config.inference().threads(), config.inference().maxInFlight());
    }

    /**
     * Scans processed at once: {@code inference.threads} in the model, and as many again being loaded,
     * or written and scored, beside them (within {@code maxInFlight}), so that the model does not wait
     * for the file system and the scoring between scans (docs/BENCHMARKS.md, pipeline).
     */
    static int processingThreads(WorkerConfig.Inference inf) {
        return Math.min(inf.maxInFlight(), 2 * inf.threads());
    }

    /** Builds everything the loop needs; runs on a worker thread (model loading takes seconds). */
    private IngestLoop assemble() throws Exception {
        closeables.add(JvmMeters.bindTo(registry));
        WorkerMetrics metrics = new WorkerMetrics(registry, () -> loop == null ? 0 : loop.inFlight(), models::version);
        metrics.baselineDice(models::baselineDice);

        WorkerConfig.Inference inf = config.inference();
        int intra = inf.intraOpThreads() > 0 ? inf.intraOpThreads()
                : Math.max(1, Runtime.getRuntime().availableProcessors() / inf.threads());
        EngineSettings engine = EngineSettings.of(DeviceChoice.parse(config.model().device()), intra);
        NumericsCheck.requirePassing(engine); // wrong native numbers: refuse to start (exit 3), publish nothing
        if (config.model().follows()) {
            RegistryRoot registryRoot = new RegistryRoot(config.model().registryRoot());
            follower = new ModelFollower(KafkaClients.topicReader(config.kafka().bootstrapServers(), config.kafka().properties(),
                    config.kafka().transactionalId() + "-models"), config.model().name(),
                    new VersionLoader(registryRoot, engine)::load, models, metrics, this::startIngest, Clock.systemUTC());
            closeables.add(follower); // stops swapping before the holder below releases the model
        } else {
            Path dir = config.model().directory();
            long t0 = System.nanoTime();
            ScanSegmenter segmenter = ScanSegmenter.load(dir, engine);
            int version = versionOf(dir);
            QualityProfile profile;
            try {
                profile = QualityProfile.read(dir);
            } catch (IOException e) {
                segmenter.close();
                throw e;
            }
            models.swap(new ServingModel(segmenter, version, segmenter instanceof BundleSegmenter b ? b.ref()
                    : ModelRef.nativeVersion(config.model().name(), version), profile));
            metrics.modelLoaded(Duration.ofNanos(System.nanoTime() - t0));
        }
        closeables.add(models);

        LocalFileStore store = new LocalFileStore(config.store().inputRoots(), config.store().outputRoot());
        EventCodec codec = new EventCodec();
        ScanProcessor processor = new ScanProcessor(store, models, codec, config.retry(), inf.tta(), Clock.systemUTC(),
                new java.util.concurrent.Semaphore(inf.threads()), inf.quality() ? inf.reviewBelowWt() : -1);
        KafkaSection k = config.kafka();
        KafkaConsumer<byte[], byte[]> consumer = KafkaClients.transactionalConsumer(k.bootstrapServers(), k.properties(), k.groupId(),
                k.transactionalId() + "-consumer", k.maxPollIntervalMs());
        KafkaProducer<byte[], byte[]> producer = KafkaClients.transactionalProducer(k.bootstrapServers(), k.properties(),
                k.transactionalId());
        KafkaClientMetrics cm = new KafkaClientMetrics(consumer);
        cm.bindTo(registry);
        KafkaClientMetrics pm = new KafkaClientMetrics(producer);
        pm.bindTo(registry);
        closeables.add(cm);
        closeables.add(pm);
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(processingThreads(inf), r -> {
            Thread t = new Thread(r, "brainseg-inference-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        loop = new IngestLoop(consumer, producer, pool, processor, codec, metrics, inf.maxInFlight(), Duration.ofSeconds(120));
        return loop;
    }

    /**
     * The version of a model directory: its name when that is a number (the registry's
     * {@code models/<name>/<version>/} layout), else 1.
     */
    static int versionOf(Path dir) {
        return RegistryLayout.versionOf(dir).orElse(1);
    }

    /** The status /v1/status and /health/ready report. */
    public WorkerStatus status() {
        IngestLoop l = loop;
        ModelFollower f = follower;
        ModelFollowStatus source = f == null ? ModelFollowStatus.pinned(config.model().name()) : f.status();
        List<String> problems = new ArrayList<>();
        if (!models.loaded()) {
            problems.add(f == null ? "no model loaded" : "no active model version " + waitingFor(source));
        }
        if (source.brokerError() != null) {
            problems.add(Topics.MODELS + ": " + source.brokerError());
        }
        if (f != null && !ingestDeployed) {
            problems.add("ingest waits for the first model version");
        } else if (l == null || !l.isRunning()) {
            problems.add(l != null && l.fatal() != null ? "ingest stopped: " + l.fatal() : "ingest loop not running");
        }
        List<String> parts = l == null ? List.of() : l.assignment().stream().map(Object::toString).toList();
        if (parts.isEmpty()) {
            problems.add("no partitions of brainseg.scans.arrived assigned");
        }
        Map<String, Long> failed = new LinkedHashMap<>();
        for (ErrorCode c : ErrorCode.values()) {
            double v = registry.find(WorkerMetrics.FAILED).tag("reason", c.name()).counters().stream()
                    .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
            if (v > 0) {
                failed.put(c.name(), (long) v);
            }
        }
        return new WorkerStatus(models.version(), models.device(), l == null ? 0 : l.inFlight(),
                count(WorkerMetrics.RECEIVED), count(WorkerMetrics.COMPLETED), failed, parts, problems.isEmpty(), problems,
                source);
    }

    /** Why a following worker has no model yet. */
    private static String waitingFor(ModelFollowStatus s) {
        if (s.loadingVersion() != null) {
            return "loaded yet: loading v" + s.loadingVersion();
        }
        if (!s.caughtUp()) {
            return "yet: reading " + Topics.MODELS;
        }
        if (s.activeVersion() == null) {
            return "of '" + s.name() + "' on " + Topics.MODELS + " yet";
        }
        if (s.lastRefused() != null && s.lastRefused().version() == s.activeVersion()) {
            return "loaded: v" + s.activeVersion() + " was refused (" + s.lastRefused().reason() + ")";
        }
        return "loaded yet: v" + s.activeVersion() + " pending";
    }

    private long count(String name) {
        var c = registry.find(name).counter();
        return c == null ? 0 : (long) c.count();
    }

    @Override
    public void stop() {
        stopping = true;
        // The ingest and HTTP verticles are undeployed by Vert.x before this runs.
        Closeables.closeAll(closeables, LOG);
        registry.close();
    }
}
