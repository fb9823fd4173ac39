package org.brainseg.viewer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import com.nimbusds.jwt.JWTClaimsSet;
import org.brainseg.client.topics.TopicsInitializer;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.kafka.embedded.EmbeddedKafka;
import org.brainseg.kafka.embedded.EmbeddedKafkaExtension;
import org.brainseg.schemas.ScanArrived;
import org.brainseg.service.config.ConfigException;
import org.brainseg.viewer.auth.AccessAudit;
import org.brainseg.viewer.config.ViewerConfig;
import org.brainseg.viewer.config.ViewerConfig.AuthMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The viewer behind a login, against a real OpenID Connect issuer in the test JVM ({@link
 * TestIssuer}) and a real broker (one per class): Chromium signs in and sees the overlay; every
 * token that must be refused is, with no image bytes; each view and each refusal leaves one audit
 * line; the trusted-proxy mode believes the header only with the shared secret; and a viewer on a
 * non-loopback address without auth does not start.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES)
class ViewerAuthIT {
    static final String CLIENT = "brainseg-viewer";
    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final EmbeddedKafkaExtension BROKER = EmbeddedKafkaExtension.withTopics(TopicsInitializer.newTopics(1, (short) 1));

    Streams streams;
    TestIssuer issuer;
    Viewer oidc;
    Viewer proxy;
    String base;
    String proxyBase;
    String scan;
    Path dir;
    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    final ListAppender<ILoggingEvent> audit = new ListAppender<>();

    @BeforeAll
    void setUp(@TempDir Path dir) throws Exception {
        this.dir = dir;
        EmbeddedKafka kafka = BROKER.kafka();
        streams = new Streams(kafka.bootstrapServers(), dir);
        List<Case> cases = Streams.cohort(streams.scans, 1, 31);
        ScanArrived a = streams.arrived(cases.get(0), "auth-" + cases.get(0).id());
        streams.completed(cases.get(0), a, 1, false, 0.9);
        scan = a.scanId();
        ((Logger) LoggerFactory.getLogger(AccessAudit.LOGGER)).addAppender(audit);
        audit.start();

        issuer = TestIssuer.start(CLIENT, "s3cret-for-tests");
        Path secret = Files.writeString(dir.resolve("client-secret"), "s3cret-for-tests\n");
        int port = freePort();
        ViewerConfig.Auth auth = new ViewerConfig.Auth(AuthMode.OIDC, issuer.issuer(), CLIENT, secret, "http://localhost:" + port,
                "", TestIssuer.GROUP, "groups", "sub", "", null);
        oidc = Viewer.start(config(kafka, port, auth));
        base = "http://localhost:" + oidc.httpPort();

        Path proxySecret = Files.writeString(dir.resolve("proxy-secret"), "pinned-proxy-secret");
        proxy = Viewer.start(config(kafka, 0, new ViewerConfig.Auth(AuthMode.PROXY, "", "", null, "", "", "", "", "",
                "X-Forwarded-User", proxySecret)));
        proxyBase = "http://127.0.0.1:" + proxy.httpPort();
        await().atMost(Duration.ofSeconds(60)).until(() -> oidc.index().size() == 1 && proxy.index().size() == 1);
    }

    private ViewerConfig config(EmbeddedKafka kafka, int port, ViewerConfig.Auth auth) {
        return new ViewerConfig(new ViewerConfig.Kafka(kafka.bootstrapServers(), Map.of()),
                new ViewerConfig.Store(List.of(streams.scans, streams.masks)), new ViewerConfig.Http("127.0.0.1", port), 100, auth);
    }

    @AfterAll
    void tearDown() {
        for (AutoCloseable c : new AutoCloseable[] {oidc, proxy, issuer, streams}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // best effort
            }
        }
        ((Logger) LoggerFactory.getLogger(AccessAudit.LOGGER)).detachAppender(audit);
    }

    @Test
    void shouldSignInThroughTheIssuerInChromiumAndShowTheOverlay() throws Exception {
        Chromium chrome = Chromium.require();
        int before = issuer.tokens.get();
        String dom = chrome.dom(base + "/scans/" + scan + "?overlay=1", ViewerBrowserIT.W, ViewerBrowserIT.H);
        JsonNode state = ViewerBrowserIT.state(dom);
        assertThat(state.path("overlay").asText()).isEqualTo("1");
        assertThat(JSON.readTree(state.path("tumourBox").asText()).isArray()).as("the mask was fetched and drawn").isTrue();
        assertThat(issuer.tokens.get()).as("one code exchanged at the issuer").isEqualTo(before + 1);
        assertThat(dom).as("who is signed in, and the way out").containsPattern("id=\"account\"")
                .contains("dr.who@example.org").contains("href=\"/auth/logout\"");
        chrome.screenshot(base + "/scans/" + scan + "?overlay=1", ViewerBrowserIT.W, ViewerBrowserIT.H,
                ViewerBrowserIT.SHOTS.resolve("signed-in-scan.png"));
    }

    @Test
    void shouldSendABrowserWithoutASessionToTheIssuerWithPkce() throws Exception {
        HttpResponse<byte[]> r = get(base + "/scans/" + scan, null);
        assertThat(r.statusCode()).isEqualTo(302);
        URI login = TestIssuer.location(r);
        assertThat(login.toString()).startsWith(issuer.issuer() + "/authorize?").contains("code_challenge=")
                .contains("code_challenge_method=S256").contains("client_id=" + CLIENT);
        assertNoImage(r);
        assertThat(r.headers().allValues("set-cookie")).anySatisfy(c -> assertThat(c).contains("brainseg.session=")
                .containsIgnoringCase("Secure").containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Lax"));
    }

    @Test
    void shouldSignInByCodeKeepTheSessionAndSignInAgainWhenItsTokenExpires() throws Exception {
        issuer.loginLifetimeMs = 4_000;
        try {
            String page = base + "/scans/" + scan;
            Map<String, String> cookies = new LinkedHashMap<>();
            HttpResponse<byte[]> r = follow(page, cookies);
            assertThat(r.statusCode()).as("signed in and back on the page").isEqualTo(200);
            assertThat(new String(r.body())).contains("id=\"state\"");
            assertThat(follow(base + "/api/scans/" + scan + "/mask.bin?version=1", cookies).statusCode())
                    .as("the session cookie opens the data too").isEqualTo(200);
            Thread.sleep(5_000);
            HttpResponse<byte[]> again = send(page, Map.of("Cookie", cookieHeader(cookies)));
            assertThat(again.statusCode()).as("the token expired: the page signs in again").isEqualTo(302);
            assertThat(TestIssuer.location(again).toString()).isEqualTo("/scans/" + scan);
            HttpResponse<byte[]> data = send(base + "/api/scans/" + scan + "/mask.bin?version=1", Map.of("Cookie", cookieHeader(cookies)));
            assertThat(data.statusCode()).as("data without a live session: 401, no redirect").isEqualTo(401);
            assertNoImage(data);
        } finally {
            issuer.loginLifetimeMs = 600_000;
        }
    }

    /** GETs {@code url} and follows redirects by hand (the viewer's Secure cookie over http://localhost, as Chromium keeps it). */
    private HttpResponse<byte[]> follow(String url, Map<String, String> cookies) throws Exception {
        URI at = URI.create(url);
        for (int hop = 0; hop < 10; hop++) {
            Map<String, String> h = cookies.isEmpty() || at.getPort() != URI.create(base).getPort()
                    ? Map.of() : Map.of("Cookie", cookieHeader(cookies));
            HttpResponse<byte[]> r = send(at.toString(), h);
            if (at.getPort() == URI.create(base).getPort()) {
                for (String c : r.headers().allValues("set-cookie")) {
                    String[] kv = c.split(";", 2)[0].split("=", 2);
                    cookies.put(kv[0], kv.length > 1 ? kv[1] : "");
                }
            }
            if (r.statusCode() / 100 != 3) {
                return r;
            }
            at = at.resolve(r.headers().firstValue("location").orElseThrow());
        }
        throw new AssertionError("more than 10 redirects from " + url);
    }

    private static String cookieHeader(Map<String, String> cookies) {
        return cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(java.util.stream.Collectors.joining("; "));
    }

    @Test
    void shouldNameTheUserToThePageAndSignOut() throws Exception {
        HttpResponse<byte[]> me = get(base + "/auth/me", issuer.token(b -> b.claim("name", "Dr Who")));
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(me.body()).path("name").asText()).isEqualTo("Dr Who");
        assertThat(get(base + "/auth/me", null).statusCode()).as("nobody signed in").isIn(302, 401);
        HttpResponse<byte[]> out = get(base + "/auth/logout", null);
        assertThat(out.statusCode()).isEqualTo(302);
        assertThat(TestIssuer.location(out).toString()).isEqualTo("/");
    }

    @Test
    void shouldServeImagesToAValidBearerTokenAndAuditIt() throws Exception {
        String token = issuer.token(b -> { });
        int lines = audit.list.size();
        HttpResponse<byte[]> png = get(base + "/scans/" + scan + "/preview.png", token);
        assertThat(png.statusCode()).isEqualTo(200);
        assertThat(png.headers().firstValue("content-type")).hasValue("image/png");
        HttpResponse<byte[]> vol = get(base + "/api/scans/" + scan + "/volume.bin?modality=t1", token);
        assertThat(vol.statusCode()).isEqualTo(200);
        assertThat(vol.body().length).isGreaterThan(10_000);
        List<JsonNode> added = auditLines(lines);
        assertThat(added).hasSize(2);
        assertThat(added).allSatisfy(l -> {
            assertThat(l.path("subject").asText()).isEqualTo(TestIssuer.SUBJECT);
            assertThat(l.path("scanId").asText()).isEqualTo(scan);
            assertThat(l.path("outcome").asText()).isEqualTo("allowed");
            assertThat(l.toString()).doesNotContain("dr.who").doesNotContain(streams.scans.toString());
        });
        assertThat(added.get(0).path("route").asText()).isEqualTo("preview");
        assertThat(added.get(1).path("route").asText()).isEqualTo("volume");
    }

    @Test
    void shouldRefuseEveryBadTokenWithoutImageDataAndAuditEachRefusal() throws Exception {
        long now = System.currentTimeMillis();
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("none", null);
        bad.put("expired", issuer.token(b -> b.issueTime(new Date(now - 7_200_000)).expirationTime(new Date(now - 3_600_000))));
        bad.put("wrong audience", issuer.token(b -> b.audience("another-app")));
        bad.put("forged signature", issuer.forged(b -> { }));
        bad.put("alg none", issuer.unsigned(b -> { }));
        bad.put("other issuer", issuer.token(b -> b.issuer("http://localhost:1/evil")));
        bad.put("not a JWT", "definitely-not-a-token");
        bad.put("missing group", issuer.token(b -> b.claim("groups", List.of("students"))));
        String[] paths = {"/api/scans/" + scan + "/volume.bin?modality=t1", "/api/scans/" + scan + "/mask.bin?version=1",
            "/scans/" + scan + "/preview.png", "/api/scans/" + scan};
        for (Map.Entry<String, String> b : bad.entrySet()) {
            for (String p : paths) {
                int lines = audit.list.size();
                HttpResponse<byte[]> r = get(base + p, b.getValue());
                int expected = b.getKey().equals("missing group") ? 403 : 401;
                assertThat(r.statusCode()).as("%s on %s", b.getKey(), p).isEqualTo(expected);
                assertNoImage(r);
                List<JsonNode> added = auditLines(lines);
                assertThat(added).as("one audit line for %s on %s", b.getKey(), p).hasSize(1);
                assertThat(added.get(0).path("outcome").asText()).isEqualTo(expected == 403 ? "forbidden" : "unauthenticated");
                assertThat(added.get(0).path("scanId").asText()).isEqualTo(scan);
            }
        }
        assertThat(get(base + "/metrics", null).statusCode()).as("metrics stay open for Prometheus").isEqualTo(200);
        assertThat(new String(get(base + "/metrics", null).body())).contains("brainseg_viewer_access_total{outcome=\"unauthenticated\"}")
                .contains("brainseg_viewer_access_total{outcome=\"forbidden\"}");
    }

    @Test
    void shouldBelieveTheProxyHeaderOnlyWithTheSharedSecret() throws Exception {
        String url = proxyBase + "/scans/" + scan + "/preview.png";
        assertThat(send(url, Map.of("X-Forwarded-User", "u-proxy")).statusCode()).as("bare header").isEqualTo(401);
        assertThat(send(url, Map.of("X-Forwarded-User", "u-proxy", "X-Brainseg-Proxy-Secret", "guess")).statusCode())
                .as("wrong secret").isEqualTo(401);
        assertThat(send(url, Map.of("X-Brainseg-Proxy-Secret", "pinned-proxy-secret")).statusCode()).as("no user").isEqualTo(401);
        assertThat(send(url, Map.of("X-Forwarded-User", "a b\"}", "X-Brainseg-Proxy-Secret", "pinned-proxy-secret")).statusCode())
                .as("a user id that could break a log line").isEqualTo(401);
        int lines = audit.list.size();
        HttpResponse<byte[]> ok = send(url, Map.of("X-Forwarded-User", "u-proxy", "X-Brainseg-Proxy-Secret", "pinned-proxy-secret"));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(auditLines(lines)).singleElement().satisfies(l -> assertThat(l.path("subject").asText()).isEqualTo("u-proxy"));
    }

    @Test
    void shouldNotStartOnAllInterfacesWithoutAuthAndNameTheKey() {
        assertThatThrownBy(() -> new ViewerConfig(new ViewerConfig.Kafka("localhost:9092", Map.of()),
                new ViewerConfig.Store(List.of(dir)), new ViewerConfig.Http("0.0.0.0", 8090), 100, ViewerConfig.Auth.NONE))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("auth.mode:");
    }

    private HttpResponse<byte[]> get(String url, String bearer) throws Exception {
        return send(url, bearer == null ? Map.of() : Map.of("Authorization", "Bearer " + bearer));
    }

    private HttpResponse<byte[]> send(String url, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        headers.forEach(b::header);
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        // the audit line is written when the response ends, just after the client has it
        Thread.sleep(50);
        return r;
    }

    private static void assertNoImage(HttpResponse<byte[]> r) {
        String type = r.headers().firstValue("content-type").orElse("");
        assertThat(type).doesNotContain("image/").doesNotContain("octet-stream");
        assertThat(r.body().length).isLessThan(4096);
    }

    private List<JsonNode> auditLines(int from) throws Exception {
        await().atMost(Duration.ofSeconds(5)).pollDelay(Duration.ZERO).until(() -> audit.list.size() >= from);
        Thread.sleep(100);
        List<JsonNode> out = new java.util.ArrayList<>();
        for (ILoggingEvent e : List.copyOf(audit.list.subList(from, audit.list.size()))) {
            out.add(JSON.readTree(e.getFormattedMessage()));
        }
        return out;
    }

    private static int freePort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
