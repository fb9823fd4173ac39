package org.brainseg.pacs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.brainseg.pacs.config.PacsConfig;

/**
 * A real Orthanc (the Debian package's {@code Orthanc} binary) owned by a test: its own storage
 * directory, free HTTP and DICOM ports, HTTP basic authentication, StableAge 1 s, loopback
 * only. {@link #close()} stops it.
 */
public final class OrthancServer implements AutoCloseable {
    public static final String USER = "bridge";
    public static final String PASSWORD = "not-a-real-secret-7f3a";
    static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final int httpPort;
    private final Path log;
    private final HttpClient http;

    private OrthancServer(Process process, int httpPort, Path log) {
        this.process = process;
        this.httpPort = httpPort;
        this.log = log;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    /** Starts Orthanc in {@code dir} and waits until its REST API answers. */
    public static OrthancServer start(String orthanc, Path dir) throws Exception {
        return start(orthanc, dir, freePort());
    }

    /** On a given HTTP port; the same {@code dir} again restarts it with its stored studies. */
    public static OrthancServer start(String orthanc, Path dir, int httpPort) throws Exception {
        return start(orthanc, dir, httpPort, null);
    }

    /** With Debian's DICOMweb plugin ({@code orthanc-dicomweb}) serving {@code /dicom-web/}. */
    public static OrthancServer startWithDicomWeb(String orthanc, Path dir, String plugin) throws Exception {
        return start(orthanc, dir, freePort(), plugin);
    }

    private static OrthancServer start(String orthanc, Path dir, int httpPort, String plugin) throws Exception {
        int dicomPort = freePort();
        Path storage = Files.createDirectories(dir.resolve("storage"));
        ObjectNode c = JSON.createObjectNode();
        c.put("Name", "brainseg-test");
        c.put("StorageDirectory", storage.toString());
        c.put("IndexDirectory", storage.toString());
        c.put("HttpPort", httpPort);
        c.put("DicomPort", dicomPort);
        c.put("RemoteAccessAllowed", false);
        c.put("AuthenticationEnabled", true);
        c.putObject("RegisteredUsers").put(USER, PASSWORD);
        c.put("StableAge", 1);
        if (plugin == null) {
            c.putArray("Plugins");
        } else {
            c.putArray("Plugins").add(plugin);
            c.putObject("DicomWeb").put("Enable", true).put("Root", "/dicom-web/");
        }
        Path config = dir.resolve("orthanc.json");
        Files.write(config, JSON.writeValueAsBytes(c));
        Path log = dir.resolve("orthanc.log");
        Process p = new ProcessBuilder(orthanc, config.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        OrthancServer s = new OrthancServer(p, httpPort, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                s.get("system");
                return s;
            } catch (IOException e) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    s.close();
                    throw new IllegalStateException("Orthanc did not start: " + Files.readString(log), e);
                }
                Thread.sleep(200);
            }
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + httpPort);
    }

    /** The bridge's view of this server: its user, a 30 s timeout, polled every 200 ms. */
    public PacsConfig.Orthanc client() {
        return client(url(), Duration.ofSeconds(30), null);
    }

    /** The bridge's view of an Orthanc of these tests at {@code url} (dicomWebRoot null: REST). */
    public static PacsConfig.Orthanc client(URI url, Duration timeout, String dicomWebRoot) {
        return new PacsConfig.Orthanc(url, USER, PASSWORD, null, timeout, Duration.ofMillis(200), dicomWebRoot);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(url().resolve("/" + path)).timeout(Duration.ofSeconds(60)).header("Authorization",
                "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
    }

    public JsonNode get(String path) throws IOException, InterruptedException {
        return JSON.readTree(bytes(path));
    }

    public byte[] bytes(String path) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + ": HTTP " + r.statusCode());
        }
        return r.body();
    }

    /** Uploads DICOM files in the order given; returns the study id of the last. */
    public String upload(List<Path> files) throws IOException, InterruptedException {
        String study = null;
        for (Path f : files) {
            HttpResponse<byte[]> r = http.send(request("instances").header("Content-Type", "application/dicom")
                    .POST(HttpRequest.BodyPublishers.ofFile(f)).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IOException("upload of " + f + ": HTTP " + r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
            }
            study = JSON.readTree(r.body()).path("ParentStudy").asText();
        }
        return study;
    }

    /** Uploads bytes that are not DICOM; returns the HTTP status. */
    public int uploadRaw(byte[] body) throws IOException, InterruptedException {
        return http.send(request("instances").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
