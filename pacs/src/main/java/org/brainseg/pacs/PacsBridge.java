package org.brainseg.pacs;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.brainseg.pacs.ingest.StudyFollower;
import org.brainseg.pacs.ingest.StudyIngester;
import org.brainseg.pacs.orthanc.OrthancChangeFeed;
import org.brainseg.pacs.dicomweb.DicomWebSource;
import org.brainseg.pacs.orthanc.OrthancClient;
import org.brainseg.pacs.rules.SeriesRules;
import org.brainseg.pacs.seg.SegExporter;
import org.brainseg.pacs.source.DicomSource;
import org.brainseg.pacs.source.OrthancRestSource;
import org.brainseg.schemas.EventCodec;
import org.brainseg.service.http.HttpEndpoint;
import org.brainseg.service.http.HttpVerticle;
import org.brainseg.service.kafka.KafkaClients;
import org.brainseg.service.kafka.TransactionalPublisher;
import org.brainseg.service.run.Closeables;
import org.brainseg.service.run.JvmMeters;
import org.brainseg.service.store.LocalFileStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.brainseg.pacs.config.PacsConfig;

/**
 * A running PACS bridge: a {@link StudyFollower} thread (stable studies in, ScanArrived out), a
 * {@link SegExporter} thread (SegmentationCompleted in, DICOM SEG into the PACS) and a Vert.x
 * HTTP server with {@code /metrics} and {@code /health/*}. {@link #close()} is idempotent.
 */
public final class PacsBridge implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PacsBridge.class);
    /** brainseg's version, written into the SEG's SoftwareVersions. */
    public static final String VERSION = "0.1.0";

    /** Readiness and its reasons. */
    public record Status(boolean ready, List<String> problems, long feedPosition) implements HttpVerticle.Status {}

    private final PacsConfig config;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private AutoCloseable jvmMeters;
    private PacsMetrics metrics;
    private KafkaProducer<byte[], byte[]> producer;
    private StudyFollower follower;
    private SegExporter exporter;
    private final List<Thread> threads = new ArrayList<>();
    private HttpEndpoint http;
    private volatile boolean closed;

    private PacsBridge(PacsConfig config) {
        this.config = config;
    }

    /** Starts both loops and the HTTP server; {@code onFatal} hears of a loop that stopped on an error. */
    public static PacsBridge start(PacsConfig config, Consumer<Throwable> onFatal) throws Exception {
        return Closeables.assembleOrClose(new PacsBridge(config), b -> b.assemble(onFatal));
    }

    private void assemble(Consumer<Throwable> onFatal) throws Exception {
        jvmMeters = JvmMeters.bindTo(registry);
        metrics = new PacsMetrics(registry);
        Files.createDirectories(config.store().inputDir());
        OrthancClient client = new OrthancClient(config.orthanc());
        DicomSource pacs = config.orthanc().dicomWebRoot() == null ? new OrthancRestSource(client)
                : new DicomWebSource(client, config.orthanc().dicomWebRoot());
        PacsConfig.Kafka k = config.kafka();
        producer = KafkaClients.transactionalProducer(k.bootstrapServers(), k.properties(), k.transactionalId());
        TransactionalPublisher publisher = new TransactionalPublisher(producer, new EventCodec(),
                TransactionalPublisher.Policy.SERVICE);
        publisher.init();
        StudyIngester ingester = new StudyIngester(pacs, new SeriesRules(config.series().rules()),
                new StudyIngester.Limits(config.series().maxSlices(), config.series().maxVoxels()), config.store().inputDir(),
                Clock.systemUTC());
        follower = new StudyFollower(new OrthancChangeFeed(client), ingester, publisher, config.store().positionFile(),
                config.orthanc().pollInterval(), metrics, Clock.systemUTC());
        threads.add(thread("brainseg-pacs-follower", follower, () -> follower.fatal(), onFatal));
        if (config.results().enabled()) {
            exporter = new SegExporter(KafkaClients.transactionalConsumer(k.bootstrapServers(), k.properties(), k.groupId(),
                    k.groupId() + "-results", 600_000), pacs, config.store().inputDir(),
                    new LocalFileStore(config.store().maskRoots(), config.store().maskRoots().get(0)), config.results().seriesNumber(),
                    VERSION, metrics);
            threads.add(thread("brainseg-pacs-results", exporter, () -> exporter.fatal(), onFatal));
        }
        http = HttpEndpoint.start(v -> new HttpVerticle(config.http(), registry, this::status, r -> {}));
    }

    private Thread thread(String name, Runnable r, java.util.function.Supplier<Throwable> fatal, Consumer<Throwable> onFatal) {
        Thread t = new Thread(() -> {
            r.run();
            Throwable f = fatal.get();
            if (f != null && !closed) {
                onFatal.accept(f);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    public Status status() {
        List<String> problems = new ArrayList<>();
        if (follower != null && follower.problem() != null) {
            problems.add("study follower: " + follower.problem());
        }
        if (exporter != null && exporter.problem() != null) {
            problems.add("results: " + exporter.problem());
        }
        return new Status(problems.isEmpty(), problems, follower == null ? 0 : follower.position());
    }

    public String scrape() {
        return registry.scrape();
    }

    /** DICOM SEG objects stored in the PACS since the start. */
    public long segStored() {
        return metrics == null ? 0 : metrics.segStoredCount();
    }

    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (follower != null) {
            follower.close();
        }
        if (exporter != null) {
            exporter.close();
        }
        for (Thread t : threads) {
            Closeables.join(t, Duration.ofSeconds(30), LOG);
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
        }
        if (http != null) {
            Closeables.closeQuietly("the HTTP endpoint", () -> http.close(Duration.ofSeconds(30)), LOG);
        }
        if (jvmMeters != null) {
            Closeables.closeQuietly("the JVM meters", jvmMeters, LOG);
        }
        registry.close();
    }
}
