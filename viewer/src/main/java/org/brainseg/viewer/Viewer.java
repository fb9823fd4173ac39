package org.brainseg.viewer;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.brainseg.schemas.EventCodec;
import org.brainseg.viewer.auth.AccessAudit;
import org.brainseg.viewer.auth.AccessControl;
import org.brainseg.viewer.index.EventFollower;
import org.brainseg.viewer.index.ScanIndex;
import org.brainseg.viewer.volume.VolumeSource;
import org.brainseg.viewer.web.ViewerRoutes;
import org.brainseg.service.http.HttpEndpoint;
import org.brainseg.service.http.HttpVerticle;
import org.brainseg.service.run.Closeables;
import org.brainseg.service.run.JvmMeters;
import org.brainseg.service.store.LocalFileStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.brainseg.viewer.config.ViewerConfig;

/**
 * A running viewer: an {@link EventFollower} thread filling the {@link ScanIndex}, and one Vert.x
 * HTTP server with the pages ({@link ViewerRoutes}), {@code /metrics} and {@code /health/*}.
 * {@link #close()} is idempotent and stops both.
 */
public final class Viewer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Viewer.class);
    /** Volumes kept decoded in memory (a scan page needs one modality and one or two masks). */
    static final int CACHED_VOLUMES = 8;

    private final ViewerConfig config;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ScanIndex index;
    private AutoCloseable jvmMeters;
    private EventFollower follower;
    private Thread followerThread;
    private HttpEndpoint http;
    private volatile boolean closed;

    private Viewer(ViewerConfig config) {
        this.config = config;
        this.index = new ScanIndex(config.maxScans(), Clock.systemUTC());
    }

    /** Starts following the topics and serving; returns once the HTTP server listens. */
    public static Viewer start(ViewerConfig config) throws Exception {
        return Closeables.assembleOrClose(new Viewer(config), Viewer::assemble);
    }

    private void assemble() throws Exception {
        jvmMeters = JvmMeters.bindTo(registry);
        ViewerMetrics metrics = new ViewerMetrics(registry, index::size);
        List<java.nio.file.Path> roots = config.store().roots();
        // the store only resolves reads here; its output root is never written by the viewer
        LocalFileStore store = new LocalFileStore(roots, roots.get(0));
        follower = new EventFollower(EventFollower.consumer(config.kafka().bootstrapServers(), config.kafka().properties()),
                index, new EventCodec(), metrics::event);
        followerThread = new Thread(follower, "brainseg-viewer-follower");
        followerThread.setDaemon(true);
        followerThread.start();
        http = HttpEndpoint.start(vertx -> {
            // the login (or the proxy check) and the audit trail come before the pages; /metrics and /health stay open
            AccessControl access = AccessControl.create(vertx, config.auth());
            AccessAudit audit = new AccessAudit(registry, access);
            ViewerRoutes pages = new ViewerRoutes(vertx, index, new VolumeSource(store, CACHED_VOLUMES), metrics);
            return new HttpVerticle(config.http().section(), registry, this::status, router -> {
                audit.install(router);
                access.install(router);
                pages.accept(router);
            });
        });
        LOG.info("viewer access: {}", config.auth().mode() == ViewerConfig.AuthMode.NONE
                ? "no login (loopback address " + config.http().host() + " only)" : config.auth().mode().wire());
    }

    public ViewerStatus status() {
        List<String> problems = new ArrayList<>();
        EventFollower f = follower;
        if (f == null || !f.isRunning()) {
            problems.add(f != null && f.fatal() != null ? "event follower stopped: " + f.fatal() : "event follower not running");
        } else if (!f.caughtUp()) {
            problems.add(f.waitingFor());
        }
        return new ViewerStatus(problems.isEmpty(), problems, index.size(), f != null && f.caughtUp());
    }

    public ScanIndex index() {
        return index;
    }

    public String scrape() {
        return registry.scrape();
    }

    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    /** The address to open in a browser. */
    public String url() {
        return config.url(httpPort());
    }

    /** Whether the follower stopped on an error (the service should be restarted). */
    public Throwable fatal() {
        return follower == null ? null : follower.fatal();
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
        Closeables.join(followerThread, Duration.ofSeconds(10), LOG);
        if (http != null) {
            Closeables.closeQuietly("the HTTP endpoint", () -> http.close(Duration.ofSeconds(30)), LOG);
        }
        if (jvmMeters != null) {
            Closeables.closeQuietly("the JVM meters", jvmMeters, LOG);
        }
        registry.close();
    }
}
