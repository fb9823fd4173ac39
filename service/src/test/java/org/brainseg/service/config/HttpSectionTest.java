package org.brainseg.service.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.brainseg.service.http.TestCertificates;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@code http} section's TLS and token keys: good files load, every bad one names its key. */
class HttpSectionTest {
    static final Map<String, Map<String, Object>> TABLE = Map.of("http", HttpSection.defaults("127.0.0.1", 8080));

    @TempDir
    static Path dir;
    static TestCertificates.Pem good;
    static TestCertificates.Pem other;

    @BeforeAll
    static void certificates() throws Exception {
        TestCertificates ca = TestCertificates.create(dir);
        good = ca.server("good");
        other = ca.server("other");
        Files.writeString(dir.resolve("token"), "0123456789abcdef0123456789abcdef\n");
        Files.writeString(dir.resolve("short-token"), "hunter2\n");
        Files.writeString(dir.resolve("spaced-token"), "0123456789abcdef 0123456789abcdef\n");
        Files.writeString(dir.resolve("junk.pem"), "not a certificate\n");
        Files.write(dir.resolve("large.pem"), new byte[(int) PemKeyPair.MAX_BYTES + 1]);
        Files.createDirectories(dir.resolve("a-directory"));
        Files.writeString(dir.resolve("truncated.pem"), Files.readString(good.certificate()).substring(0, 200));
    }

    static HttpSection load(String yaml, Map<String, String> env) throws IOException {
        Path f = Files.createTempFile(dir, "config", ".yaml");
        Files.writeString(f, yaml);
        return HttpSection.read(ConfigFile.load(f, TABLE, env));
    }

    static String tls(Object cert, Object key) {
        return "http:\n  tls:\n" + (cert == null ? "" : "    certificate: " + cert + "\n") + (key == null ? "" : "    key: " + key + "\n");
    }

    @Test
    void shouldLeaveTlsAndTokenOffByDefault() throws IOException {
        HttpSection h = load("http:\n  port: 9000\n", Map.of());
        assertThat(h.tls()).isNull();
        assertThat(h.metricsTokenFile()).isNull();
        assertThat(h.port()).isEqualTo(9000);
    }

    @Test
    void shouldReadANestedTlsPairWithItsReloadInterval() throws IOException {
        HttpSection h = load(tls(good.certificate(), good.key()) + "    reloadSeconds: 5\n  metricsTokenFile: " + dir.resolve("token") + "\n",
                Map.of());
        assertThat(h.tls().certificate()).isEqualTo(good.certificate());
        assertThat(h.tls().reloadInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(h.tls().read().leaf().getSubjectX500Principal().getName()).isEqualTo("CN=good");
        assertThat(HttpSection.readToken(h.metricsTokenFile())).isEqualTo("0123456789abcdef0123456789abcdef");
        assertThat(load(tls(good.certificate(), good.key()), Map.of()).tls().reloadInterval())
                .isEqualTo(Duration.ofSeconds(HttpSection.DEFAULT_RELOAD_SECONDS));
    }

    @Test
    void shouldTakeTheFilesFromTheEnvironment() throws IOException {
        HttpSection h = load("", Map.of("BRAINSEG_HTTP_TLS_CERTIFICATE", good.certificate().toString(),
                "BRAINSEG_HTTP_TLS_KEY", good.key().toString(), "BRAINSEG_HTTP_TLS_RELOAD_SECONDS", "0"));
        assertThat(h.tls().key()).isEqualTo(good.key());
        assertThat(h.tls().reloadInterval()).isZero();
    }

    static Stream<Arguments> refusals() {
        Path cert = good.certificate();
        Path key = good.key();
        Path junk = dir.resolve("junk.pem");
        Path folder = dir.resolve("a-directory");
        Path missing = dir.resolve("missing.pem");
        return Stream.of(
                Arguments.of("key without certificate", tls(null, key), "http.tls.certificate: is required with http.tls.key"),
                Arguments.of("certificate without key", tls(cert, null), "http.tls.key: is required with http.tls.certificate"),
                Arguments.of("missing certificate", tls(missing, key), "http.tls.certificate: no such file: " + missing),
                Arguments.of("missing key", tls(cert, missing), "http.tls.key: no such file: " + missing),
                Arguments.of("certificate is a directory", tls(folder, key), "http.tls.certificate: " + folder + " is a directory"),
                Arguments.of("key is a directory", tls(cert, folder), "http.tls.key: " + folder + " is a directory"),
                Arguments.of("certificate not PEM", tls(junk, key), "http.tls.certificate: no PEM certificate"),
                Arguments.of("certificate truncated", tls(dir.resolve("truncated.pem"), key), "http.tls.certificate: not a PEM certificate chain"),
                Arguments.of("certificate huge", tls(dir.resolve("large.pem"), key), "http.tls.certificate: " + dir.resolve("large.pem") + " is larger"),
                Arguments.of("key not PEM", tls(cert, junk), "http.tls.key: not a PEM private key"),
                Arguments.of("certificate as key", tls(cert, cert), "http.tls.key: not a PEM private key"),
                Arguments.of("key of another certificate", tls(cert, other.key()), "http.tls.key: " + other.key()
                        + " is not the private key of the certificate in " + cert),
                Arguments.of("negative reload", tls(cert, key) + "    reloadSeconds: -1\n", "http.tls.reloadSeconds: must be 0 (off) or more"),
                Arguments.of("unknown tls key", tls(cert, key) + "    password: x\n", "http.tls.password: unknown key"),
                Arguments.of("tls not a mapping", "http:\n  tls: yes\n", "http.tls: unknown key"),
                Arguments.of("missing token", "http:\n  metricsTokenFile: " + missing + "\n", "http.metricsTokenFile: no such file"),
                Arguments.of("token is a directory", "http:\n  metricsTokenFile: " + folder + "\n", "http.metricsTokenFile: " + folder
                        + " is a directory"),
                Arguments.of("short token", "http:\n  metricsTokenFile: " + dir.resolve("short-token") + "\n",
                        "http.metricsTokenFile: " + dir.resolve("short-token") + " holds 7 characters; a token needs at least 16"),
                Arguments.of("token with a space", "http:\n  metricsTokenFile: " + dir.resolve("spaced-token") + "\n",
                        "must hold one token of visible ASCII characters"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void shouldRefuseWithAOneLineMessageNamingTheKey(String what, String yaml, String message) {
        assertThatThrownBy(() -> load(yaml, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void shouldRefuseAFileThatCannotBeRead() throws IOException {
        // a file without read permission is readable to root (CI and the images' tests run as root);
        // /proc/self/mem refuses a plain read with EIO to everyone
        Path unreadable = Path.of("/proc/self/mem");
        Assumptions.assumeTrue(Files.exists(unreadable), "Linux");
        assertThatThrownBy(() -> load(tls(good.certificate(), unreadable), Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("http.tls.key: cannot read " + unreadable);
        assertThatThrownBy(() -> load("http:\n  metricsTokenFile: " + unreadable + "\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("http.metricsTokenFile: cannot read " + unreadable);
    }
}
