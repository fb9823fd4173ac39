package org.brainseg.viewer.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.brainseg.imaging.io.JsonMappers;
import org.brainseg.service.store.LocalFileStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail of who looked at which scan: one JSON line on the logger {@value #LOGGER} for
 * every request for a scan's page, data, volume, mask or preview, allowed or refused, written when
 * the response ends, and the counter {@code brainseg_viewer_access_total{outcome}}.
 *
 * <p>A line holds the subject (the claim {@code auth.subjectClaim}, by default the issuer's opaque
 * {@code sub}; "-" when nobody signed in; "local" without a login), the scan id, the route, the
 * method, the status and outcome, the client address and the time. Never a patient's name, a
 * file path or image data: the scan id is the opaque id of the events. docs/OPERATIONS.md says how
 * to ship the lines to a SIEM.
 */
public final class AccessAudit {
    public static final String LOGGER = "brainseg.audit";
    /** Prometheus shows it as {@code brainseg_viewer_access_total}. */
    public static final String METRIC = "brainseg_viewer_access";
    private static final Logger AUDIT = LoggerFactory.getLogger(LOGGER);
    private static final ObjectMapper JSON = JsonMappers.plain();
    /** {@code /scans/{id}}, {@code /scans/{id}/preview.png}, {@code /api/scans/{id}} and its volume and mask. */
    private static final Pattern SCAN_PATH = Pattern.compile("^/(api/)?scans/([^/]+)(/[^/]*)?$");

    private final MeterRegistry registry;
    private final AccessControl access;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public AccessAudit(MeterRegistry registry, AccessControl access) {
        this.registry = registry;
        this.access = access;
        for (String o : new String[] {"allowed", "login-redirect", "unauthenticated", "forbidden", "not-found", "bad-request"}) {
            counter(o);
        }
    }

    /** Adds the audit handler; install it before the access control so that refusals are seen too. */
    public void install(Router r) {
        r.route().handler(this::handle);
    }

    private void handle(RoutingContext ctx) {
        Matcher m = SCAN_PATH.matcher(ctx.normalizedPath());
        if (m.matches()) {
            String scanId = LocalFileStore.SCAN_ID.matcher(m.group(2)).matches() ? m.group(2) : "(invalid)";
            String route = route(m.group(1) != null, m.group(3));
            ctx.addEndHandler(done -> record(ctx, scanId, route));
        }
        ctx.next();
    }

    static String route(boolean api, String rest) {
        if (rest == null || rest.isEmpty()) {
            return api ? "scan-data" : "scan-page";
        }
        return switch (rest) {
            case "/preview.png" -> "preview";
            case "/volume.bin", "/volume.json" -> "volume";
            case "/mask.bin" -> "mask";
            default -> "other";
        };
    }

    static String outcome(int status) {
        if (status >= 200 && status < 300) {
            return "allowed";
        }
        return switch (status) {
            case 301, 302, 303, 307 -> "login-redirect";
            case 401 -> "unauthenticated";
            case 403 -> "forbidden";
            case 404 -> "not-found";
            case 400 -> "bad-request";
            default -> "error";
        };
    }

    private void record(RoutingContext ctx, String scanId, String route) {
        int status = ctx.response().getStatusCode();
        String outcome = outcome(status);
        counter(outcome).increment();
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("event", "viewer-access");
        line.put("time", Instant.now().toString());
        line.put("subject", access.subject(ctx));
        line.put("scanId", scanId);
        line.put("route", route);
        line.put("method", ctx.request().method().name());
        line.put("status", status);
        line.put("outcome", outcome);
        line.put("client", ctx.request().remoteAddress() == null ? "-" : ctx.request().remoteAddress().hostAddress());
        try {
            AUDIT.info(JSON.writeValueAsString(line));
        } catch (JsonProcessingException e) {
            AUDIT.error("{\"event\":\"viewer-access\",\"error\":\"unwritable audit line\"}");
        }
    }

    private Counter counter(String outcome) {
        return counters.computeIfAbsent(outcome, o -> Counter.builder(METRIC).description("Requests for a scan's page, data, "
                + "volume, mask or preview, by outcome (allowed, login-redirect, unauthenticated, forbidden, not-found, "
                + "bad-request, error)").tag("outcome", o).register(registry));
    }
}
