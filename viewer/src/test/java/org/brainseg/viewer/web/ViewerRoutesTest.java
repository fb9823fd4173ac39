package org.brainseg.viewer.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.brainseg.imaging.Affine;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.labels.LabelConvention;
import org.brainseg.imaging.nifti.NiftiDataType;
import org.brainseg.imaging.nifti.NiftiWriter;
import org.brainseg.schemas.RegionValues;
import org.brainseg.schemas.ScanArrived;
import org.brainseg.schemas.SegmentationCompleted;
import org.brainseg.viewer.ViewerMetrics;
import org.brainseg.viewer.ViewerStatus;
import org.brainseg.viewer.index.ScanIndex;
import org.brainseg.viewer.volume.VolumeSource;
import org.brainseg.service.http.HttpVerticle;
import org.brainseg.service.store.LocalFileStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The viewer's HTTP surface without a broker: an index filled by hand, real NIfTI files under a
 * temporary store. Hostile ids and parameters are 400/404 with a page or JSON that never echoes
 * them; volumes outside the roots, through links out, missing or corrupt are refused with a reason
 * and no path; nothing is ever a 500.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ViewerRoutesTest {
    Path tmp;
    Vertx vertx;
    String base;
    final HttpClient http = HttpClient.newHttpClient();
    final ScanIndex index = new ScanIndex(100, Clock.systemUTC());

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        tmp = dir;
        Path scans = Files.createDirectories(tmp.resolve("scans"));
        Path masks = Files.createDirectories(tmp.resolve("masks"));
        Volume img = new Volume(8, 6, 4, new float[8 * 6 * 4], Affine.identity());
        for (int n = 0; n < img.size(); n++) {
            img.data()[n] = n;
        }
        Path flair = scans.resolve("s_flair.nii.gz");
        new NiftiWriter().write(flair, img, NiftiDataType.FLOAT32);
        Volume m = Volume.zerosLike(img);
        m.set(2, 2, 1, 4); // BraTS 2021 enhancing
        Path mask = masks.resolve("ok_seg.nii.gz");
        new NiftiWriter().write(mask, m, NiftiDataType.UINT8);
        Files.writeString(masks.resolve("corrupt_seg.nii.gz"), "not a NIfTI file");
        Path outside = Files.writeString(tmp.resolve("secret.nii.gz"), "secret");
        Files.createSymbolicLink(masks.resolve("link_seg.nii.gz"), outside);
        Path gone = masks.resolve("gone_seg.nii.gz");
        new NiftiWriter().write(gone, m, NiftiDataType.UINT8);
        Files.delete(gone);

        scan("ok", flair, mask.toUri());
        scan("corrupt", flair, masks.resolve("corrupt_seg.nii.gz").toUri());
        scan("link", flair, masks.resolve("link_seg.nii.gz").toUri());
        scan("outside", flair, outside.toUri());
        scan("gone", flair, gone.toUri());
        scan("etc", flair, URI.create("file:///etc/passwd"));

        vertx = Vertx.vertx();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ViewerMetrics metrics = new ViewerMetrics(registry, index::size);
        VolumeSource volumes = new VolumeSource(new LocalFileStore(List.of(scans, masks), masks), 4);
        HttpVerticle verticle = new HttpVerticle("127.0.0.1", 0, registry, () -> new ViewerStatus(true, List.of(), index.size(), true),
                new ViewerRoutes(vertx, index, volumes, metrics));
        vertx.deployVerticle(verticle).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        base = "http://127.0.0.1:" + verticle.actualPort();
    }

    private void scan(String id, Path flair, URI mask) {
        URI f = flair.toUri();
        ScanArrived a = new ScanArrived(UUID.randomUUID(), id, null, Instant.now(), new ScanArrived.Modalities(f, f, f, f), null,
                null, LabelConvention.BRATS2021, null);
        index.apply(a);
        index.apply(new SegmentationCompleted(UUID.randomUUID(), id, a.eventId(), 1, mask, "a".repeat(64), LabelConvention.BRATS2021,
                new RegionValues(0, 0, 0, 0, 0, 0), new SegmentationCompleted.Timings(0, 0, 0, 0, 0), "cpu", Instant.now()));
    }

    @AfterAll
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private HttpResponse<byte[]> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "/                                              | 200",
        "/scans/ok                                      | 200",
        "/scans/nope                                    | 404",
        "/scans/.hidden                                 | 400",
        "/scans/a%20b                                   | 400",
        "/scans/a%00b                                   | 400",
        "/scans/%3Cimg%20src%3Dx%3E                     | 400",
        "/scans/ok?overlay=2                            | 400",
        "/scans/ok?overlay=0                            | 200",
        "/scans/ok?modality=T2                          | 200",
        "/scans/ok?modality=dwi                         | 400",
        "/scans/ok?version=0                            | 400",
        "/scans/ok?version=%2B1                         | 400",
        "/?status=done                                  | 200",
        "/?status=DROP%20TABLE                          | 400",
        "/?model=1&model=2                              | 400",
        "/api/scans?model=2147483648                    | 400",
        "/api/scans/ok                                  | 200",
        "/api/scans/nope                                | 404",
        "/api/scans/..%2Fetc/volume.bin                 | 400",
        "/api/scans/ok/volume.bin?modality=t1ce         | 200",
        "/api/scans/ok/mask.bin?version=2               | 404",
        "/api/scans/ok/mask.bin?version=x               | 400",
        "/scans/nope/preview.png                        | 404",
        "/static/viewer.css                             | 200",
        "/static/list.html                              | 404",
        "/static/..%2Fscan.html                         | 404",
        "/no/such/page                                  | 404",
    })
    void shouldAnswerEveryRequestWithoutAServerError(String path, int code) throws Exception {
        HttpResponse<byte[]> r = get(path.strip());
        assertThat(r.statusCode()).as(path).isEqualTo(code);
        String body = new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(body).doesNotContain("<img src=x>").doesNotContain("DROP TABLE").doesNotContain("Exception");
    }

    @ParameterizedTest(name = "mask of {0}: {1} {2}")
    @CsvSource({
        "gone, 404, file missing from the store",
        "link, 403, refused",
        "outside, 403, refused",
        "etc, 403, refused",
        "corrupt, 422, not a readable NIfTI volume",
    })
    void shouldRefuseMasksItCannotShowWithAReasonAndNoPath(String id, int code, String reason) throws Exception {
        for (String path : List.of("/api/scans/" + id + "/mask.bin", "/scans/" + id + "/preview.png")) {
            HttpResponse<byte[]> r = get(path);
            String body = new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(r.statusCode()).as(path).isEqualTo(code);
            assertThat(body).contains(reason).doesNotContain(tmp.toString()).doesNotContain("/etc/passwd");
        }
        assertThat(get("/health/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void shouldServeVolumesByIdInTheirCompactForms() throws Exception {
        assertThat(get("/api/scans/ok/volume.bin").body()).hasSize(8 * 6 * 4 * 2);
        byte[] mask = get("/api/scans/ok/mask.bin?version=1").body();
        assertThat(mask).hasSize(8 * 6 * 4);
        assertThat(mask[2 + 8 * (2 + 6 * 1)]).as("BraTS 4 is internal 3").isEqualTo((byte) 3);
        String meta = new String(get("/api/scans/ok/volume.json?modality=flair").body(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(meta).contains("\"dims\":[8,6,4]").contains("\"flip\":[true,true,true]").doesNotContain("file:");
        String detail = new String(get("/api/scans/ok").body(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(detail).contains("\"scanId\":\"ok\"").doesNotContain("file:").doesNotContain(tmp.toString());
        HttpResponse<byte[]> png = get("/scans/ok/preview.png?version=1");
        assertThat(png.statusCode()).isEqualTo(200);
        assertThat(png.headers().firstValue("content-type")).hasValue("image/png");
        assertThat(get("/metrics").body().length).isPositive();
    }

    @Test
    void shouldSendPagesThatRunNoInlineScript() throws Exception {
        HttpResponse<byte[]> r = get("/scans/ok");
        assertThat(r.headers().firstValue("content-security-policy")).hasValueSatisfying(v -> assertThat(v).contains("default-src 'self'"));
        assertThat(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("<script>").contains("/static/viewer.js");
    }
}
