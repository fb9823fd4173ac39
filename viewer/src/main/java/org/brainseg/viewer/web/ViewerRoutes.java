package org.brainseg.viewer.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.imaging.io.JsonMappers;
import org.brainseg.schemas.SegmentationCompleted;
import org.brainseg.viewer.ViewerMetrics;
import org.brainseg.viewer.index.ScanIndex;
import org.brainseg.viewer.index.ScanView;
import org.brainseg.viewer.render.PreviewImage;
import org.brainseg.viewer.render.VolumeEncoding;
import org.brainseg.viewer.volume.VolumeException;
import org.brainseg.viewer.volume.VolumeSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The viewer's pages and their data, added to the service's router beside {@code /metrics} and
 * {@code /health/*}:
 *
 * <ul>
 *   <li>{@code /} the scan list (filters {@code ?model=N&status=pending|done|failed}), {@code /api/scans} its data;
 *   <li>{@code /scans/{id}} the three-plane viewer, {@code /api/scans/{id}} its data,
 *       {@code /api/scans/{id}/volume.json|volume.bin?modality=} and {@code /api/scans/{id}/mask.bin?version=}
 *       the volumes in {@link VolumeEncoding}'s compact form;
 *   <li>{@code /scans/{id}/preview.png?version=} the axial preview drawn in Java.
 * </ul>
 *
 * The browser names scans by id and versions by number only; volumes are found through the
 * events and read through the store's confinement. Bad ids and parameters are 400, unknown scans
 * 404; files are read and images drawn off the event loop.
 */
public final class ViewerRoutes implements Consumer<Router> {
    private static final Logger LOG = LoggerFactory.getLogger(ViewerRoutes.class);
    private static final ObjectMapper JSON = JsonMappers.plain();
    private static final String CSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'";

    private final Vertx vertx;
    private final ScanIndex index;
    private final VolumeSource volumes;
    private final ViewerMetrics metrics;
    private final Pages pages = new Pages();

    public ViewerRoutes(Vertx vertx, ScanIndex index, VolumeSource volumes, ViewerMetrics metrics) {
        this.vertx = vertx;
        this.index = index;
        this.volumes = volumes;
        this.metrics = metrics;
    }

    @Override
    public void accept(Router r) {
        r.get("/").handler(this::listPage);
        r.get("/static/:file").handler(this::staticFile);
        r.get("/api/scans").handler(this::listData);
        r.get("/api/scans/:scanId").handler(this::detailData);
        r.get("/api/scans/:scanId/volume.json").handler(ctx -> volumeData(ctx, false));
        r.get("/api/scans/:scanId/volume.bin").handler(ctx -> volumeData(ctx, true));
        r.get("/api/scans/:scanId/mask.bin").handler(this::maskData);
        r.get("/scans/:scanId").handler(this::scanPage);
        r.get("/scans/:scanId/preview.png").handler(this::preview);
        r.route().last().handler(ctx -> page(ctx, 404, Pages.error(404, "Not found", "There is no such page.")));
        r.route().failureHandler(ctx -> {
            boolean bad = ctx.failure() instanceof Params.BadRequest;
            int code = bad ? 400 : ctx.statusCode() >= 400 ? ctx.statusCode() : 500;
            boolean refused = code == 401 || code == 403;
            if (ctx.failure() != null && !bad && !refused) {
                LOG.warn("{} {}: {}", ctx.request().method(), ctx.normalizedPath(), ctx.failure().toString());
            }
            if (!ctx.response().ended()) {
                if (code == 401) {
                    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"brainseg\"");
                }
                String title = code == 401 ? "Sign-in required" : code == 403 ? "Not allowed" : "Bad request";
                String msg = bad ? ctx.failure().getMessage() : code == 401 ? "sign in, or send a valid access token"
                        : code == 403 ? "your account may not see this" : "the request could not be served";
                page(ctx, code, Pages.error(code, title, msg));
            }
        });
    }

    private void listPage(RoutingContext ctx) {
        if (!checked(ctx, () -> {
            Params.version(Params.single(ctx.queryParam("model"), "model"), "model");
            Params.status(Params.single(ctx.queryParam("status"), "status"));
            Params.byPredictedDice(Params.single(ctx.queryParam("sort"), "sort"));
        })) {
            return;
        }
        page(ctx, 200, pages.list());
    }

    private void scanPage(RoutingContext ctx) {
        ScanView[] v = new ScanView[1];
        if (!checked(ctx, () -> {
            String id = Params.scanId(ctx.pathParam("scanId"));
            Params.overlay(Params.single(ctx.queryParam("overlay"), "overlay"));
            Params.modality(Params.single(ctx.queryParam("modality"), "modality"));
            Params.version(Params.single(ctx.queryParam("version"), "version"), "version");
            v[0] = index.get(id).orElse(null);
        })) {
            return;
        }
        if (v[0] == null) {
            page(ctx, 404, Pages.error(404, "Unknown scan", "No scan with this id has been seen on brainseg's topics."));
            return;
        }
        page(ctx, 200, pages.scan());
    }

    private void staticFile(RoutingContext ctx) {
        String name = ctx.pathParam("file");
        byte[] body = pages.file(name);
        if (body == null) {
            page(ctx, 404, Pages.error(404, "Not found", "There is no such file."));
            return;
        }
        ctx.response().putHeader("content-type", Pages.STATIC_TYPES.get(name)).putHeader("cache-control", "no-cache")
                .putHeader("x-content-type-options", "nosniff").end(Buffer.buffer(body));
    }

    private void listData(RoutingContext ctx) {
        Integer[] model = new Integer[1];
        ScanView.Status[] status = new ScanView.Status[1];
        boolean[] byPredicted = new boolean[1];
        if (!checkedJson(ctx, () -> {
            model[0] = Params.version(Params.single(ctx.queryParam("model"), "model"), "model");
            status[0] = Params.status(Params.single(ctx.queryParam("status"), "status"));
            byPredicted[0] = Params.byPredictedDice(Params.single(ctx.queryParam("sort"), "sort"));
        })) {
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("changes", index.changes());
        body.put("modelVersions", index.modelVersions());
        body.put("total", index.size());
        body.put("unattributedFailures", index.unattributedFailures());
        List<ScanView> scans = new ArrayList<>(index.list(model[0], status[0]));
        if (byPredicted[0]) {
            // lowest predicted WT Dice first (the masks most in need of a look), then scans without a prediction
            scans.sort(Comparator.comparing((ScanView v) -> Views.predictedWt(v, model[0]),
                    Comparator.nullsLast(Comparator.naturalOrder())));
        }
        body.put("scans", scans.stream().map(v -> Views.row(v, model[0])).toList());
        json(ctx, 200, body);
    }

    private ScanView knownScan(RoutingContext ctx) {
        ScanView[] v = new ScanView[1];
        if (!checkedJson(ctx, () -> v[0] = index.get(Params.scanId(ctx.pathParam("scanId"))).orElse(null))) {
            return null;
        }
        if (v[0] == null) {
            json(ctx, 404, Map.of("error", "unknown-scan", "message", "no scan with this id"));
        }
        return v[0];
    }

    private void detailData(RoutingContext ctx) {
        ScanView v = knownScan(ctx);
        if (v != null) {
            json(ctx, 200, Views.detail(v));
        }
    }

    private void volumeData(RoutingContext ctx, boolean binary) {
        Modality[] m = new Modality[1];
        if (!checkedJson(ctx, () -> m[0] = Params.modality(Params.single(ctx.queryParam("modality"), "modality")))) {
            return;
        }
        ScanView v = knownScan(ctx);
        if (v == null) {
            return;
        }
        if (v.arrived() == null) {
            json(ctx, 404, Map.of("error", "no-images", "message", "the scan's arrival event has not been read, so its images are unknown"));
            return;
        }
        blocking(ctx, () -> volumes.modality(v.arrived(), m[0]), vol -> {
            if (binary) {
                ctx.response().putHeader("content-type", "application/octet-stream").putHeader("cache-control", "no-store")
                        .end(Buffer.buffer(VolumeEncoding.intensities(vol)));
            } else {
                json(ctx, 200, Views.volume(vol));
            }
        }, m[0].key() + " image");
    }

    private void maskData(RoutingContext ctx) {
        Requested r = requestedSegmentation(ctx);
        if (r == null) {
            return;
        }
        SegmentationCompleted s = r.segmentation();
        blocking(ctx, () -> VolumeEncoding.labels(volumes.mask(s)), bytes -> ctx.response()
                .putHeader("content-type", "application/octet-stream").putHeader("cache-control", "no-store")
                .end(Buffer.buffer(bytes)), "mask of model version " + s.modelVersion());
    }

    private record Requested(ScanView scan, SegmentationCompleted segmentation) {}

    /** The scan and segmentation a request's scan id and optional {@code version} name; null once an error was answered. */
    private Requested requestedSegmentation(RoutingContext ctx) {
        Integer[] version = new Integer[1];
        if (!checkedJson(ctx, () -> version[0] = Params.version(Params.single(ctx.queryParam("version"), "version"), "version"))) {
            return null;
        }
        ScanView v = knownScan(ctx);
        SegmentationCompleted s = v == null ? null : segmentation(ctx, v, version[0]);
        return s == null ? null : new Requested(v, s);
    }

    private SegmentationCompleted segmentation(RoutingContext ctx, ScanView v, Integer version) {
        int n = version != null ? version : v.latestVersion();
        SegmentationCompleted s = v.segmentations().get(n);
        if (s == null) {
            json(ctx, 404, Map.of("error", "no-mask", "message", version == null ? "the scan has no mask yet"
                    : "model version " + n + " did not segment this scan"));
        }
        return s;
    }

    private void preview(RoutingContext ctx) {
        Requested r = requestedSegmentation(ctx);
        if (r == null) {
            return;
        }
        ScanView v = r.scan();
        SegmentationCompleted s = r.segmentation();
        if (v.arrived() == null) {
            json(ctx, 404, Map.of("error", "no-images", "message", "the scan's arrival event has not been read"));
            return;
        }
        blocking(ctx, () -> {
            long t0 = System.nanoTime();
            Volume flair = volumes.modality(v.arrived(), Modality.FLAIR);
            byte[] png = PreviewImage.png(flair, volumes.mask(s, flair));
            metrics.previewRendered(System.nanoTime() - t0);
            return png;
        }, png -> ctx.response().putHeader("content-type", "image/png").putHeader("cache-control", "no-cache")
                .end(Buffer.buffer(png)), "preview");
    }

    /** Runs {@code work} on a worker thread; a volume that cannot be shown is a JSON error saying why. */
    private <T> void blocking(RoutingContext ctx, Callable<T> work, Consumer<T> then, String what) {
        Future<T> f = vertx.executeBlocking(work, false);
        f.onSuccess(x -> {
            if (!ctx.response().closed()) {
                then.accept(x);
            }
        }).onFailure(e -> {
            if (e instanceof VolumeException ve) {
                metrics.volumeProblem(ve.kind());
                int code = switch (ve.kind()) {
                    case MISSING -> 404;
                    case REFUSED -> 403;
                    case CORRUPT -> 422;
                };
                json(ctx, code, Map.of("error", ve.kind().name().toLowerCase(java.util.Locale.ROOT), "message",
                        "cannot show the " + what + ": " + ve.getMessage()));
            } else {
                LOG.warn("{} {}: {}", ctx.request().method(), ctx.normalizedPath(), e.toString());
                json(ctx, 500, Map.of("error", "internal", "message", "cannot show the " + what));
            }
        });
    }

    /** Runs parameter checks; a {@link Params.BadRequest} becomes a 400 page. */
    private boolean checked(RoutingContext ctx, Runnable checks) {
        try {
            checks.run();
            return true;
        } catch (Params.BadRequest e) {
            page(ctx, 400, Pages.error(400, "Bad request", e.getMessage()));
            return false;
        }
    }

    /** Runs parameter checks; a {@link Params.BadRequest} becomes a 400 JSON error. */
    private boolean checkedJson(RoutingContext ctx, Runnable checks) {
        try {
            checks.run();
            return true;
        } catch (Params.BadRequest e) {
            json(ctx, 400, Map.of("error", "bad-request", "message", e.getMessage()));
            return false;
        }
    }

    private static void page(RoutingContext ctx, int code, String html) {
        headers(ctx.response().setStatusCode(code)).putHeader("content-type", "text/html; charset=utf-8").end(html);
    }

    private static void json(RoutingContext ctx, int code, Object body) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        try {
            headers(ctx.response().setStatusCode(code)).putHeader("content-type", "application/json")
                    .putHeader("cache-control", "no-store").end(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            ctx.response().setStatusCode(500).end();
        }
    }

    private static HttpServerResponse headers(HttpServerResponse r) {
        return r.putHeader("content-security-policy", CSP).putHeader("x-content-type-options", "nosniff")
                .putHeader("referrer-policy", "no-referrer");
    }
}
