package org.brainseg.trainer.service;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.brainseg.model.check.NumericsCheck;
import org.brainseg.schemas.EventCodec;
import org.brainseg.service.config.KafkaSection;
import org.brainseg.service.http.HttpEndpoint;
import org.brainseg.service.http.HttpVerticle;
import org.brainseg.service.kafka.CatalogReader;
import org.brainseg.service.kafka.KafkaClients;
import org.brainseg.service.run.Closeables;
import org.brainseg.service.run.JvmMeters;
import org.brainseg.trainer.registry.ModelRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.brainseg.trainer.config.TrainerConfig;
import org.brainseg.trainer.metrics.TrainerMetrics;

/**
 * A running trainer: the {@link TrainerLoop} on its own thread, {@link AutoRetrain} when enabled,
 * and the HTTP endpoints ({@code /metrics}, {@code /health/live}, {@code /health/ready},
 * {@code /v1/status}) on a Vert.x instance. Start-up removes what an interrupted run left in the
 * registry. {@link #close()} (idempotent) abandons a run in progress (it is redone after the next
 * start) and releases everything.
 */
public final class TrainerService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TrainerService.class);

    private final TrainerConfig config;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private TrainerLoop loop;
    private Thread loopThread;
    private AutoRetrain auto;
    private Thread autoThread;
    private HttpEndpoint http;
    private volatile boolean closed;

    private TrainerService(TrainerConfig config) {
        this.config = config;
    }

    /** Starts a trainer; returns once its loop and HTTP endpoints run. {@code onFatal} hears of a fatal error. */
    public static TrainerService start(TrainerConfig config, Consumer<Throwable> onFatal) throws Exception {
        return Closeables.assembleOrClose(new TrainerService(config), s -> s.assemble(onFatal));
    }

    private void assemble(Consumer<Throwable> onFatal) throws Exception {
        NumericsCheck.requirePassing(config.training().engine()); // wrong native numbers: refuse to start (exit 3)
        closeables.add(JvmMeters.bindTo(registry));

        String name = config.registry().modelName();
        ModelRegistry models = new ModelRegistry(config.registry().root());
        int cleaned = models.cleanTemporary(name);
        if (cleaned > 0) {
            LOG.info("removed {} temporary director{} an interrupted run left in the registry", cleaned, cleaned == 1 ? "y" : "ies");
        }
        EventCodec codec = new EventCodec();
        Clock clock = Clock.systemUTC();
        KafkaSection k = config.kafka();
        CatalogReader catalog = new CatalogReader(k.bootstrapServers(), k.properties(), name, codec, Duration.ofSeconds(60));
        TrainerLoop[] ref = new TrainerLoop[1];
        TrainerMetrics metrics = new TrainerMetrics(registry, name, () -> ref[0] == null ? 0 : ref[0].activeVersion(),
                () -> ref[0] == null ? 0 : ref[0].queue());
        loop = new TrainerLoop(KafkaClients.transactionalConsumer(k.bootstrapServers(), k.properties(), k.groupId(),
                k.transactionalId() + "-consumer", k.maxPollIntervalMs()),
                KafkaClients.transactionalProducer(k.bootstrapServers(), k.properties(), k.transactionalId()), catalog, new RequestHandler(config, models, clock), models,
                config, codec, metrics, clock);
        ref[0] = loop;
        loopThread = new Thread(() -> {
            loop.run();
            if (loop.fatal() != null) {
                onFatal.accept(loop.fatal());
            }
        }, "brainseg-trainer-loop");
        loopThread.start();
        if (config.autoRetrain().enabled()) {
            auto = new AutoRetrain(KafkaClients.transactionalConsumer(k.bootstrapServers(), k.properties(),
                    k.groupId() + "-autoretrain", k.transactionalId() + "-auto-consumer", k.maxPollIntervalMs()),
                    KafkaClients.transactionalProducer(k.bootstrapServers(), k.properties(), k.transactionalId() + "-auto"), config, codec, clock);
            autoThread = new Thread(() -> {
                auto.run();
                if (auto.fatal() != null) {
                    onFatal.accept(auto.fatal());
                }
            }, "brainseg-auto-retrain");
            autoThread.start();
            LOG.info("auto-retrain: a request for {} after every {} labelled scans", config.autoRetrain().datasetUri(),
                    config.autoRetrain().afterLabelledScans());
        }
        http = HttpEndpoint.start(v -> new HttpVerticle(config.http(), registry, this::status, r -> {}));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!loop.isRunning()) {
            if (loop.fatal() != null) {
                throw new IllegalStateException("trainer loop failed to start: " + loop.fatal(), loop.fatal());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("trainer loop did not start within 2 minutes");
            }
            Thread.sleep(20);
        }
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public String scrape() {
        return registry.scrape();
    }

    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    /** What /v1/status and /health/ready report. */
    public TrainerStatus status() {
        List<String> problems = new ArrayList<>();
        TrainerLoop l = loop;
        if (l == null || !l.isRunning()) {
            problems.add(l != null && l.fatal() != null ? "trainer loop stopped: " + l.fatal() : "trainer loop not running");
        }
        if (auto != null && auto.fatal() != null) {
            problems.add("auto-retrain stopped: " + auto.fatal());
        }
        return new TrainerStatus(config.registry().modelName(), l == null ? 0 : l.activeVersion(), l == null ? null : l.current(),
                l == null ? 0 : l.queue(), l == null ? null : l.last(), auto == null ? -1 : auto.pending(), problems.isEmpty(),
                problems);
    }

    @Override
    public synchronized void close() throws Exception {
        if (closed) {
            return;
        }
        closed = true;
        if (auto != null) {
            auto.stop();
        }
        if (loop != null) {
            loop.stop();
        }
        Closeables.join(autoThread, Duration.ofMinutes(2), LOG);
        Closeables.join(loopThread, Duration.ofMinutes(2), LOG);
        if (http != null) {
            http.close();
        }
        Closeables.closeAll(closeables, LOG);
        registry.close();
    }
}
