package org.brainseg.viewer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.brainseg.client.topics.TopicsInitializer;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.kafka.embedded.EmbeddedKafka;
import org.brainseg.kafka.embedded.EmbeddedKafkaExtension;
import org.brainseg.model.TinyModels;
import org.brainseg.schemas.ErrorCode;
import org.brainseg.schemas.ScanArrived;
import org.brainseg.schemas.SegmentationCompleted;
import org.brainseg.viewer.config.ViewerConfig;
import org.brainseg.worker.Worker;
import org.brainseg.worker.config.WorkerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The viewer in a real headless Chromium, on one embedded broker for the class: real events about a
 * real synthetic cohort (masks = the cases' ground truth, so the tumour's place is known), half of
 * them streamed before the viewer starts and half after. Screenshots of the run go to
 * {@code target/viewer-screenshots} (docs/viewer keeps one run's).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class ViewerBrowserIT {
    static final Path SHOTS = Path.of("target", "viewer-screenshots");
    static final int W = 1280;
    static final int H = 900;
    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final EmbeddedKafkaExtension BROKER = EmbeddedKafkaExtension.withTopics(TopicsInitializer.newTopics(3, (short) 1));

    EmbeddedKafka kafka;
    Streams streams;
    Viewer viewer;
    String base;
    final HttpClient http = HttpClient.newHttpClient();
    List<String> done;
    String twoVersions;
    String failed;
    String maskDeleted;
    String realScan;
    List<Case> cases;

    @BeforeAll
    void setUp(@TempDir Path dir) throws Exception {
        kafka = BROKER.kafka();
        streams = new Streams(kafka.bootstrapServers(), dir);
        cases = Streams.cohort(streams.scans, 5, 11);
        // a real worker with a tiny model segments one scan first (it reads brainseg.scans.arrived from the
        // beginning, so it runs alone); the synthetic outputs below carry known masks for the pixel checks
        realScan = "it-real-" + cases.get(0).id();
        Path model = TinyModels.train(cases, dir.resolve("models"), 1, 4);
        try (Worker w = Worker.start(WorkerConfig.local(kafka.bootstrapServers(), "it-viewer-worker", streams.scans,
                streams.masks.resolve("worker"), model, 1, 1, 1), t -> {})) {
            streams.arrived(cases.get(0), realScan);
            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> RealWorker.completed(kafka.bootstrapServers(), realScan));
        }
        // before the viewer starts: read from the beginning
        ScanArrived a0 = streams.arrived(cases.get(0), "it-" + cases.get(0).id());
        streams.completed(cases.get(0), a0, 1, false, 0.9);
        ScanArrived a1 = streams.arrived(cases.get(1), "it-" + cases.get(1).id());
        streams.completed(cases.get(1), a1, 1, false, 0.6);
        streams.completed(cases.get(1), a1, 2, true, 0.85);
        twoVersions = a1.scanId();

        viewer = Viewer.start(new ViewerConfig(new ViewerConfig.Kafka(kafka.bootstrapServers(), Map.of()),
                new ViewerConfig.Store(List.of(streams.scans, streams.masks)), new ViewerConfig.Http("127.0.0.1", 0), 1000));
        base = "http://127.0.0.1:" + viewer.httpPort();
        await().atMost(Duration.ofSeconds(60)).until(() -> viewer.status().ready());

        // while it runs: streamed live
        ScanArrived a2 = streams.arrived(cases.get(2), "it-" + cases.get(2).id());
        streams.completed(cases.get(2), a2, 1, false, 0.4);
        ScanArrived a3 = streams.arrived(cases.get(3), "it-" + cases.get(3).id());
        streams.failed(a3.scanId(), ErrorCode.NIFTI_CORRUPT, "t1: truncated gzip stream after 1187 bytes");
        failed = a3.scanId();
        ScanArrived a4 = streams.arrived(cases.get(4), "it-" + cases.get(4).id());
        SegmentationCompleted s4 = streams.completed(cases.get(4), a4, 1, false, 0.95);
        Files.delete(Path.of(s4.maskUri()));
        maskDeleted = a4.scanId();
        done = List.of(a0.scanId(), a1.scanId(), a2.scanId(), a4.scanId());
        await().atMost(Duration.ofSeconds(60)).until(() -> viewer.index().size() == 6);
    }

    @AfterAll
    void tearDown() {
        if (viewer != null) {
            viewer.close();
        }
        if (streams != null) {
            streams.close();
        }
    }

    @Test
    void shouldListEveryStreamedScanNewestFirstWithTheFailuresCode() throws Exception {
        Chromium chrome = Chromium.require();
        String dom = chrome.dom(base + "/", W, H);
        chrome.screenshot(base + "/", W, 520, SHOTS.resolve("list.png"));
        for (String id : done) {
            assertThat(dom).contains("data-scan-id=\"" + id + "\"");
        }
        assertThat(dom).contains("data-scan-id=\"" + failed + "\"").contains("data-error-code=\"NIFTI_CORRUPT\"")
                .contains("truncated gzip stream");
        // filters: by status, by model version
        String failedOnly = chrome.dom(base + "/?status=failed", W, H);
        assertThat(rows(failedOnly)).containsExactly(failed);
        assertThat(rows(chrome.dom(base + "/?model=2", W, H))).containsExactly(twoVersions);
    }

    @Test
    void shouldListScansByPredictedDiceWorstFirstAndMarkThoseToReview() throws Exception {
        Chromium chrome = Chromium.require();
        String dom = chrome.dom(base + "/?sort=predicted", W, H);
        List<String> order = rows(dom);
        // predicted WT: it-2 0.4, it-1 0.85 (its newest version, v2), it-0 0.9, it-4 0.95; then scans without one
        assertThat(order.subList(0, 4)).containsExactly(done.get(2), done.get(1), done.get(0), done.get(3));
        assertThat(order).hasSize(6).containsOnlyOnce(failed, realScan);
        assertThat(dom).contains("data-needs-review=\"true\"").contains("data-needs-review=\"false\"")
                .contains("low-predicted-dice").contains("lowest predicted Dice first");
        // the first row's badge says review, the newest-first list is unchanged
        Matcher first = Pattern.compile("<tr data-scan-id=\"" + Pattern.quote(done.get(2)) + "\".*?</tr>", Pattern.DOTALL)
                .matcher(dom);
        assertThat(first.find()).isTrue();
        assertThat(first.group()).contains("WT≈0.40").contains(">review<");
        assertThat(rows(chrome.dom(base + "/", W, H))).isNotEqualTo(order);
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/api/scans?sort=sideways")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(400);
    }

    @Test
    void shouldChangePixelsInsideTheTumourOnlyWhenTheOverlayIsToggled() throws Exception {
        Chromium chrome = Chromium.require();
        String scan = done.get(2);
        String url = base + "/scans/" + scan;
        JsonNode state = state(chrome.dom(url + "?overlay=1", W, H));
        assertThat(state.path("overlay").asText()).isEqualTo("1");
        JsonNode rect = JSON.readTree(state.path("axialRect").asText());
        JsonNode box = JSON.readTree(state.path("tumourBox").asText());
        assertThat(box.isArray()).as("the tumour is on the default axial slice").isTrue();
        BufferedImage on = ImageIO.read(chrome.screenshot(url + "?overlay=1", W, H, SHOTS.resolve("scan-overlay-on.png")).toFile());
        BufferedImage off = ImageIO.read(chrome.screenshot(url + "?overlay=0", W, H, SHOTS.resolve("scan-overlay-off.png")).toFile());
        int bx0 = (int) Math.floor(box.get(0).asDouble());
        int by0 = (int) Math.floor(box.get(1).asDouble());
        int bx1 = (int) Math.ceil(box.get(2).asDouble());
        int by1 = (int) Math.ceil(box.get(3).asDouble());
        long inside = 0;
        long changedInside = 0;
        for (int y = by0; y < by1; y++) {
            for (int x = bx0; x < bx1; x++) {
                inside++;
                if (on.getRGB(x, y) != off.getRGB(x, y)) {
                    changedInside++;
                }
            }
        }
        assertThat(changedInside).as("pixels changed inside the tumour's box").isGreaterThan(inside / 5);
        // far outside the box (a margin of 4 px) but on the same axial image: identical
        int margin = 4;
        int cx0 = (int) Math.ceil(rect.get(0).asDouble());
        int cy0 = (int) Math.ceil(rect.get(1).asDouble());
        int cx1 = (int) Math.floor(rect.get(0).asDouble() + rect.get(2).asDouble());
        int cy1 = (int) Math.floor(rect.get(1).asDouble() + rect.get(3).asDouble());
        long outside = 0;
        long changedOutside = 0;
        for (int y = cy0; y < cy1; y++) {
            for (int x = cx0; x < cx1; x++) {
                if (x >= bx0 - margin && x < bx1 + margin && y >= by0 - margin && y < by1 + margin) {
                    continue;
                }
                outside++;
                if (on.getRGB(x, y) != off.getRGB(x, y)) {
                    changedOutside++;
                }
            }
        }
        assertThat(outside).isGreaterThan(1000);
        assertThat(changedOutside).as("pixels changed outside the tumour's box").isZero();
    }

    @Test
    void shouldMoveTheCrosshairOnClickAndTellTheVoxelUnderThePointer() throws Exception {
        try (Cdp page = Cdp.open(Chromium.require(), W, H)) {
            page.navigate(base + "/scans/" + done.get(2));
            page.until("document.getElementById('state').dataset.ready === '1'", Duration.ofSeconds(60));
            JsonNode before = stateValue(page, "position");
            JsonNode box = stateValue(page, "tumourBox");
            JsonNode rect = stateValue(page, "axialRect");
            // the pointer over the tumour: its voxel, value and label
            page.move((box.get(0).asDouble() + box.get(2).asDouble()) / 2, (box.get(1).asDouble() + box.get(3).asDouble()) / 2);
            page.until("document.getElementById('cursor').textContent.startsWith('voxel')", Duration.ofSeconds(10));
            assertThat(page.eval("document.getElementById('cursor').textContent").asText())
                    .matches("voxel \\(\\d+, \\d+, " + before.get(2).asInt() + "\\)  FLAIR \\S+  label \\d.*");
            // a click on the axial image moves the crosshair there: same axial slice, the other two follow
            page.click(rect.get(0).asDouble() + 25, rect.get(1).asDouble() + 25);
            JsonNode after = stateValue(page, "position");
            assertThat(after.get(2).asInt()).isEqualTo(before.get(2).asInt());
            assertThat(after.get(0).asInt()).isNotEqualTo(before.get(0).asInt());
            assertThat(after.get(1).asInt()).isNotEqualTo(before.get(1).asInt());
            assertThat(page.eval("document.getElementById('slice-coronal').value").asText()).isEqualTo(after.get(1).asText());
            assertThat(page.eval("document.getElementById('slice-sagittal').value").asText()).isEqualTo(after.get(0).asText());
            // the overlay checkbox turns the overlay off
            page.eval("document.getElementById('overlay').click()");
            assertThat(stateValue(page, "overlay").asText()).isEqualTo("0");
        }
    }

    @Test
    void shouldAddAScanToTheOpenListWhileItStreams() throws Exception {
        try (Cdp page = Cdp.open(Chromium.require(), W, H)) {
            page.navigate(base + "/");
            page.until("document.querySelectorAll('#scans tbody tr').length >= 6", Duration.ofSeconds(60));
            String live = "it-live-" + cases.get(2).id();
            streams.arrived(cases.get(2), live);
            page.until("document.querySelector('tr[data-scan-id=\"" + live + "\"]') !== null", Duration.ofSeconds(30));
            assertThat(page.eval("document.querySelector('#scans tbody tr').dataset.scanId").asText())
                    .as("newest first").isEqualTo(live);
        }
    }

    private static JsonNode stateValue(Cdp page, String key) throws Exception {
        JsonNode v = page.eval("document.getElementById('state').dataset." + key);
        return key.equals("overlay") ? v : JSON.readTree(v.asText());
    }

    @Test
    void shouldShowTwoModelVersionsSideBySide() throws Exception {
        Chromium chrome = Chromium.require();
        String dom = chrome.dom(base + "/scans/" + twoVersions, W, 1300);
        chrome.screenshot(base + "/scans/" + twoVersions, W, 1300, SHOTS.resolve("scan-two-versions.png"));
        assertThat(dom).containsPattern("<section id=\"compare\">").contains("v1").contains("v2");
    }

    @Test
    void shouldShowAMaskARealWorkerWrote() throws Exception {
        assertThat(viewer.index().get(realScan).orElseThrow().segmentations()).containsKey(1);
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/api/scans/" + realScan + "/mask.bin")).build(),
                HttpResponse.BodyHandlers.ofByteArray()).statusCode()).isEqualTo(200);
        assertThat(get("/scans/" + realScan + "/preview.png").statusCode()).isEqualTo(200);
        String dom = Chromium.require().dom(base + "/scans/" + realScan, W, H);
        assertThat(state(dom).path("ready").asText()).isEqualTo("1");
        assertThat(dom).contains("<p id=\"error\" class=\"error\" hidden=\"\">");
    }

    @Test
    void shouldShowAFailedScansCodeOnItsPage() throws Exception {
        Chromium chrome = Chromium.require();
        String dom = chrome.dom(base + "/scans/" + failed, W, H);
        chrome.screenshot(base + "/scans/" + failed, W, 600, SHOTS.resolve("scan-failed.png"));
        assertThat(dom).contains("data-error-code=\"NIFTI_CORRUPT\"").contains("no mask: the scan failed: NIFTI_CORRUPT: t1: truncated gzip stream");
    }

    @Test
    void shouldSayTheMaskIsMissingAndStayReadyWhenAMaskFileWasDeleted() throws Exception {
        Chromium chrome = Chromium.require();
        String dom = chrome.dom(base + "/scans/" + maskDeleted, W, H);
        chrome.screenshot(base + "/scans/" + maskDeleted, W, 520, SHOTS.resolve("scan-mask-missing.png"));
        Matcher m = Pattern.compile("<p id=\"error\" class=\"error\">([^<]*)</p>").matcher(dom);
        assertThat(m.find()).as("an error message on the page").isTrue();
        assertThat(m.group(1)).contains("cannot show the mask of model version 1").contains("missing");
        assertThat(get("/health/ready").statusCode()).isEqualTo(200);
        assertThat(get("/scans/" + maskDeleted + "/preview.png").statusCode()).isEqualTo(404);
    }

    @Test
    void shouldAnswerAnUnknownScanWithA404Page() throws Exception {
        assertThat(get("/scans/no-such-scan").statusCode()).isEqualTo(404);
        Chromium chrome = Chromium.require();
        String dom = chrome.dom(base + "/scans/no-such-scan", W, H);
        chrome.screenshot(base + "/scans/no-such-scan", W, 300, SHOTS.resolve("unknown-scan.png"));
        assertThat(dom).contains("404").contains("Unknown scan");
    }

    @Test
    void shouldRefuseHostileIdsAndParametersWith4xx() throws Exception {
        String id = done.get(0);
        Map<String, Integer> cases = new java.util.LinkedHashMap<>();
        cases.put("/scans/..%2f..%2fetc%2fpasswd", 400);
        cases.put("/scans/%2e%2e", 200); // the router normalizes /scans/.. to /: the list page, never a file
        cases.put("/scans/a%00b", 400);
        cases.put("/scans/" + "x".repeat(200), 400);
        cases.put("/scans/%3Cscript%3Ealert(1)%3C%2Fscript%3E", 400);
        cases.put("/scans/" + id + "?overlay=%3Cscript%3E", 400);
        cases.put("/scans/" + id + "?modality=..%2F..%2Fetc%2Fpasswd", 400);
        cases.put("/scans/" + id + "?version=-1", 400);
        cases.put("/scans/" + id + "?version=99999999999", 400);
        cases.put("/scans/" + id + "?version=1&version=2", 400);
        cases.put("/?status=%27%3B--", 400);
        cases.put("/?model=abc", 400);
        cases.put("/api/scans?model=0", 400);
        cases.put("/api/scans/" + id + "/volume.bin?modality=file:%2F%2F%2Fetc%2Fpasswd", 400);
        cases.put("/api/scans/" + id + "/mask.bin?version=7", 404);
        cases.put("/api/scans/" + id + "/volume.bin?modality=", 200);
        cases.put("/scans/" + id + "/preview.png?version=1e3", 400);
        cases.put("/static/..%2f..%2fpom.xml", 404);
        cases.put("/static/viewer.js%00.png", 404);
        for (Map.Entry<String, Integer> c : cases.entrySet()) {
            HttpResponse<String> r = get(c.getKey());
            assertThat(r.statusCode()).as(c.getKey()).isEqualTo(c.getValue());
            assertThat(r.body()).as(c.getKey()).doesNotContain("<script>").doesNotContain("Exception");
        }
        assertThat(get("/health/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void shouldServeAPreviewPngWithTheOverlayForEveryCompletedScan() throws Exception {
        for (String id : done.subList(0, 3)) {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + "/scans/" + id + "/preview.png")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("content-type")).hasValue("image/png");
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(r.body()));
            assertThat(img.getWidth()).isGreaterThan(100);
            assertThat(colouredPixels(img)).as("overlay pixels in %s", id).isGreaterThan(20);
            if (id.equals(done.get(0))) {
                Files.createDirectories(SHOTS);
                Files.write(SHOTS.resolve("preview.png"), r.body());
            }
        }
    }

    @Test
    void shouldServeMetricsAndHealth() throws Exception {
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        assertThat(get("/health/ready").body()).contains("UP");
        assertThat(get("/metrics").body()).contains(ViewerMetrics.SCANS).contains("brainseg_viewer_events_total")
                .contains("jvm_memory_used_bytes");
    }

    private static long colouredPixels(BufferedImage img) {
        long n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                int r = (rgb >> 16) & 255;
                int g = (rgb >> 8) & 255;
                int b = rgb & 255;
                if (Math.abs(r - g) > 30 || Math.abs(g - b) > 30) {
                    n++;
                }
            }
        }
        return n;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> rows(String dom) {
        Matcher m = Pattern.compile("<tr data-scan-id=\"([^\"]+)\"").matcher(dom);
        List<String> out = new java.util.ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    static JsonNode state(String dom) throws Exception {
        Matcher m = Pattern.compile("<div id=\"state\"([^>]*)>").matcher(dom);
        assertThat(m.find()).as("state element").isTrue();
        Map<String, String> attrs = new java.util.HashMap<>();
        Matcher a = Pattern.compile("data-([a-z-]+)=\"([^\"]*)\"").matcher(m.group(1));
        while (a.find()) {
            attrs.put(camel(a.group(1)), a.group(2).replace("&quot;", "\"").replace("&amp;", "&"));
        }
        assertThat(attrs).as("the page finished drawing").containsEntry("ready", "1");
        return JSON.valueToTree(attrs);
    }

    private static String camel(String dashed) {
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char c : dashed.toCharArray()) {
            if (c == '-') {
                up = true;
            } else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return b.toString();
    }
}
