package org.brainseg.pacs.orthanc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.brainseg.imaging.io.JsonMappers;
import org.brainseg.pacs.config.PacsConfig;

/**
 * Orthanc's REST API, the calls brainseg needs: the change feed, a study's series, an instance's
 * tags (simplified JSON) and raw frame, and storing a DICOM file. HTTP or HTTPS (the JVM's trust
 * store, or one CA certificate from the config), with HTTP basic authentication when a user is
 * configured. The credentials live only in the Authorization header: never in a message or a log line.
 *
 * <p>HTTP/1.1 only: the JDK client's default h2c upgrade on a plain-HTTP POST makes Orthanc's
 * embedded server drop the connection.
 *
 * <p>Thread-safe (the JDK's {@link HttpClient} is).
 */
public final class OrthancClient {
    private static final ObjectMapper JSON = JsonMappers.plain();
    /** The largest answer read into memory: a frame of 4096 x 4096 at 16 bits is 32 MiB. */
    static final long MAX_BODY = 64L << 20;

    private final URI base;
    private final String authorization;
    private final Duration timeout;
    private final HttpClient http;

    public OrthancClient(PacsConfig.Orthanc config) throws IOException {
        String url = config.url().toString();
        this.base = URI.create(url.endsWith("/") ? url : url + "/");
        this.authorization = config.username() == null ? null : "Basic " + Base64.getEncoder().encodeToString(
                (config.username() + ":" + config.password()).getBytes(StandardCharsets.UTF_8));
        this.timeout = config.timeout();
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(config.timeout()).followRedirects(HttpClient.Redirect.NEVER);
        if (config.caCertificate() != null) {
            b.sslContext(trusting(config.caCertificate()));
        }
        this.http = b.build();
    }

    /** An SSL context that trusts the certificates in one PEM file (a private CA or a self-signed PACS). */
    public static SSLContext trusting(Path pem) throws IOException {
        try (InputStream in = Files.newInputStream(pem)) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca" + i++, c);
            }
            if (i == 0) {
                throw new IOException("no certificate in " + pem);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the CA certificate " + pem + ": " + e.getMessage(), e);
        }
    }

    /** Where the client points (for logs: no credentials are in it). */
    public URI base() {
        return base;
    }

    /** {@code GET /system}: reachable and the credentials accepted. */
    public JsonNode system() throws PacsException {
        return json("system");
    }

    /** {@code GET /changes?since=&limit=}. */
    public JsonNode changes(long since, int limit) throws PacsException {
        return json("changes?since=" + since + "&limit=" + limit);
    }

    /** {@code GET /studies/{id}}: main study and patient tags, series ids. */
    public JsonNode study(String id) throws PacsException {
        return json("studies/" + id);
    }

    /** {@code GET /studies/{id}/series}: each series with its main tags and instance ids. */
    public JsonNode seriesOfStudy(String id) throws PacsException {
        return json("studies/" + id + "/series");
    }

    /** {@code GET /series/{id}}. */
    public JsonNode series(String id) throws PacsException {
        return json("series/" + id);
    }

    /** {@code GET /instances/{id}/tags?simplify}. */
    public JsonNode instanceTags(String id) throws PacsException {
        return json("instances/" + id + "/tags?simplify");
    }

    /** The transfer syntax UID the instance is stored in ({@code /instances/{id}/metadata/TransferSyntax}). */
    public String transferSyntax(String id) throws PacsException {
        return new String(bytes(get("instances/" + id + "/metadata/TransferSyntax")), StandardCharsets.US_ASCII).trim();
    }

    /** The pixel data of frame 0 as stored ({@code /instances/{id}/frames/0/raw}). */
    public byte[] rawFrame(String id) throws PacsException {
        return bytes(get("instances/" + id + "/frames/0/raw"));
    }

    /** {@code POST /instances}: stores a DICOM file; the answer has {@code ID} and {@code Status} (Success, AlreadyStored). */
    public JsonNode store(byte[] dicomFile) throws PacsException {
        HttpRequest r = request("instances").header("Content-Type", "application/dicom")
                .POST(HttpRequest.BodyPublishers.ofByteArray(dicomFile)).build();
        return parse(r, bytes(r));
    }

    /** An answer's body and content type. */
    public record Answer(byte[] body, String contentType) {}

    /** {@code GET} a path relative to the base URL, as JSON (the DICOMweb client's QIDO-RS and metadata). */
    public JsonNode getJson(String path) throws PacsException {
        HttpRequest r = request(path).header("Accept", "application/dicom+json, application/json").GET().build();
        return parse(r, bytes(r));
    }

    /** {@code GET} a path relative to the base URL with an Accept header (WADO-RS frames). */
    public Answer get(String path, String accept) throws PacsException {
        HttpRequest r = request(path).header("Accept", accept).GET().build();
        return send(r);
    }

    /** {@code POST} to a path relative to the base URL (STOW-RS). */
    public Answer post(String path, String contentType, byte[] body) throws PacsException {
        HttpRequest r = request(path).header("Content-Type", contentType).header("Accept", "application/dicom+json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return send(r);
    }

    private JsonNode json(String path) throws PacsException {
        HttpRequest r = get(path);
        return parse(r, bytes(r));
    }

    private static JsonNode parse(HttpRequest r, byte[] body) throws PacsException {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new PacsException(200, r.method() + " " + r.uri().getPath() + ": the answer is not JSON", e);
        }
    }

    private HttpRequest get(String path) {
        return request(path).GET().build();
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout);
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b;
    }

    private byte[] bytes(HttpRequest r) throws PacsException {
        return send(r).body();
    }

    private Answer send(HttpRequest r) throws PacsException {
        String what = r.method() + " " + r.uri().getPath();
        HttpResponse<InputStream> resp;
        try {
            resp = http.send(r, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new PacsException(0, what + ": no answer from the PACS at " + base + " (" + e + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PacsException(0, what + ": interrupted", e);
        }
        try (InputStream in = resp.body()) {
            byte[] body = in.readNBytes((int) MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                throw new PacsException(resp.statusCode(), what + ": answer larger than " + MAX_BODY + " bytes", null);
            }
            if (resp.statusCode() / 100 != 2) {
                String text = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8).replaceAll("\\s+", " ");
                throw new PacsException(resp.statusCode(), what + ": HTTP " + resp.statusCode()
                        + (resp.statusCode() == 401 ? " (credentials missing or refused)" : "") + " " + text, null);
            }
            return new Answer(body, resp.headers().firstValue("Content-Type").orElse(""));
        } catch (IOException e) {
            if (e instanceof PacsException p) {
                throw p;
            }
            throw new PacsException(0, what + ": answer cut off (" + e + ")", e);
        }
    }
}
