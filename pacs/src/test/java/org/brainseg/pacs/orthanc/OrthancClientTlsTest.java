package org.brainseg.pacs.orthanc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.FileInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.brainseg.pacs.config.PacsConfig;
import org.brainseg.pacs.Tools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's HTTPS and basic authentication against the JDK's HTTPS server with a self-signed
 * certificate made by keytool (Debian's Orthanc 1.10.1 crashed on its first HTTPS request here, so
 * TLS is tested against this stand-in; docs/PACS.md).
 */
class OrthancClientTlsTest {
    static final String USER = "bridge";
    static final String PASSWORD = "s3cret-for-the-test";

    @TempDir
    Path dir;
    HttpsServer server;
    Path caPem;
    final List<String> authorizations = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Path ks = dir.resolve("server.p12");
        caPem = dir.resolve("ca.pem");
        Tools.Result gen = Tools.run(List.of(keytool, "-genkeypair", "-alias", "pacs", "-keyalg", "RSA", "-keysize", "2048",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore",
                ks.toString(), "-storepass", "changeit", "-keypass", "changeit"), 120);
        assertThat(gen.code()).as(gen.output()).isZero();
        Tools.Result export = Tools.run(List.of(keytool, "-exportcert", "-rfc", "-alias", "pacs", "-keystore", ks.toString(),
                "-storepass", "changeit", "-file", caPem.toString()), 60);
        assertThat(export.code()).as(export.output()).isZero();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(ks.toFile())) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ctx));
        String expected = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        server.createContext("/system", ex -> {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            authorizations.add(String.valueOf(auth));
            boolean ok = expected.equals(auth);
            byte[] body = (ok ? "{\"Version\":\"stand-in\"}" : "Unauthorized").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(ok ? 200 : 401, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    URI url() {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort());
    }

    OrthancClient client(String user, String password, Path ca) throws Exception {
        return new OrthancClient(new PacsConfig.Orthanc(url(), user, password, ca, Duration.ofSeconds(10), Duration.ofSeconds(1)));
    }

    @Test
    void shouldTrustTheConfiguredCaAndSendBasicAuthentication() throws Exception {
        assertThat(client(USER, PASSWORD, caPem).system().path("Version").asText()).isEqualTo("stand-in");
        assertThat(authorizations).hasSize(1);
    }

    @Test
    void shouldReportRefusedCredentialsWithoutShowingThem() throws Exception {
        OrthancClient c = client(USER, "wrong-password-123", caPem);
        assertThatThrownBy(c::system).isInstanceOf(PacsException.class)
                .satisfies(e -> assertThat(((PacsException) e).refused()).isTrue())
                .hasMessageContaining("401").hasMessageContaining("credentials").hasMessageNotContaining("wrong-password-123");
        assertThatThrownBy(client(null, null, caPem)::system).satisfies(e -> assertThat(((PacsException) e).refused()).isTrue());
    }

    @Test
    void shouldRefuseAServerItDoesNotTrust() throws Exception {
        assertThatThrownBy(client(USER, PASSWORD, null)::system).isInstanceOf(PacsException.class)
                .satisfies(e -> assertThat(((PacsException) e).status()).isZero())
                .hasMessageContaining("no answer from the PACS").hasMessageNotContaining(PASSWORD);
        assertThat(authorizations).isEmpty(); // the credentials never left before the server was trusted
    }
}
