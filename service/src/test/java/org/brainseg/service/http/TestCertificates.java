package org.brainseg.service.http;

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
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway certificate authority for the HTTPS tests, made at test time with the JDK's own
 * {@code keytool} (nothing checked in, no openssl needed), and the PEM files a service is
 * configured with: {@code ca.pem}; per server, {@code NAME.crt} (its certificate, then the CA's:
 * a chain) and {@code NAME.key} (PKCS#8, written from the PKCS12 store in Java). EC P-256 keys,
 * valid two days, for {@code 127.0.0.1} and {@code localhost}; or, for a JVM server such as a
 * Kafka broker, PKCS12 stores ({@link #stores}). Shared with the other modules' tests through
 * this module's test jar.
 */
public final class TestCertificates {
    private final Path dir;
    private final String password = "changeit-" + Long.toHexString(System.nanoTime());

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** A server's PEM files. */
    public record Pem(Path certificate, Path key) {}

    /** A new CA in {@code dir}. */
    public static TestCertificates create(Path dir) throws IOException, InterruptedException {
        TestCertificates t = new TestCertificates(dir);
        keytool("-genkeypair", "-keystore", t.caStore(), "-storetype", "PKCS12", "-storepass", t.password, "-alias", "ca",
                "-dname", "CN=brainseg test CA", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2", "-ext", "bc:c");
        keytool("-exportcert", "-keystore", t.caStore(), "-storepass", t.password, "-alias", "ca", "-rfc", "-file", t.ca());
        return t;
    }

    /** The CA's certificate, PEM: what a client trusts. */
    public Path ca() {
        return dir.resolve("ca.pem");
    }

    private Path caStore() {
        return dir.resolve("ca.p12");
    }

    /** A key pair for {@code name} with a certificate the CA signed for 127.0.0.1 and localhost. */
    public Pem server(String name) throws IOException, InterruptedException, GeneralSecurityException {
        Path store = dir.resolve(name + ".p12");
        Path csr = dir.resolve(name + ".csr");
        Path crt = dir.resolve(name + ".crt");
        keytool("-genkeypair", "-keystore", store, "-storetype", "PKCS12", "-storepass", password, "-alias", "server",
                "-dname", "CN=" + name, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2");
        keytool("-certreq", "-keystore", store, "-storepass", password, "-alias", "server", "-file", csr);
        keytool("-gencert", "-keystore", caStore(), "-storepass", password, "-alias", "ca", "-infile", csr, "-outfile", crt,
                "-rfc", "-validity", "2", "-ext", "san=ip:127.0.0.1,dns:localhost", "-ext", "eku=serverAuth");
        Files.writeString(crt, Files.readString(crt) + Files.readString(ca())); // the chain: server, then CA
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, password.toCharArray());
        }
        PrivateKey key = (PrivateKey) ks.getKey("server", password.toCharArray());
        Path pem = dir.resolve(name + ".key");
        Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        return new Pem(crt, pem);
    }

    /** What a JVM server (a Kafka broker) is configured with: PKCS12 key and trust stores, one password. */
    public record Stores(Path keystore, Path truststore, String password) {}

    /**
     * {@link #server}'s key pair for {@code name} in a PKCS12 keystore with its CA-signed chain, and
     * a PKCS12 truststore holding only the CA.
     */
    public Stores stores(String name) throws IOException, InterruptedException, GeneralSecurityException {
        Pem pem = server(name);
        Path store = dir.resolve(name + ".p12");
        keytool("-importcert", "-keystore", store, "-storepass", password, "-alias", "ca", "-file", ca(), "-noprompt");
        keytool("-importcert", "-keystore", store, "-storepass", password, "-alias", "server", "-file", pem.certificate());
        Path trust = dir.resolve("truststore.p12");
        if (!Files.exists(trust)) {
            keytool("-importcert", "-keystore", trust, "-storetype", "PKCS12", "-storepass", password, "-alias", "ca",
                    "-file", ca(), "-noprompt");
        }
        return new Stores(store, trust, password);
    }

    /** An SSL context trusting only this CA. */
    public SSLContext trustingCa() throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(ca())) {
            ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /**
     * {@code GET url} on a new client, so on a new connection (a client of its own pools them),
     * trusting only this CA.
     */
    public HttpResponse<String> get(String url, String... headers) throws IOException, InterruptedException,
            GeneralSecurityException {
        return get(HttpClient.newBuilder().sslContext(trustingCa()), url, headers);
    }

    /** {@code GET url} on a new client built by {@code client}. */
    public static HttpResponse<String> get(HttpClient.Builder client, String url, String... headers) throws IOException,
            InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
        if (headers.length > 0) {
            r.headers(headers);
        }
        return client.connectTimeout(Duration.ofSeconds(10)).build().send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The server certificate a response came with. */
    public static X509Certificate peer(HttpResponse<?> response) throws IOException {
        Certificate[] chain = response.sslSession().orElseThrow(() -> new IOException("not over TLS")).getPeerCertificates();
        return (X509Certificate) chain[0];
    }

    private static void keytool(Object... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        for (Object a : args) {
            cmd.add(a.toString());
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool " + args[0] + " failed: " + out);
        }
    }
}
