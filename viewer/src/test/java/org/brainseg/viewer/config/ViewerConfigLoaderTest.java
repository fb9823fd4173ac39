package org.brainseg.viewer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.brainseg.service.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The viewer's YAML: defaults, environment and command line over the file, bad keys named. */
class ViewerConfigLoaderTest {
    static final String OIDC = "auth:\n  mode: oidc\n  issuer: https://sso.example.org/realms/h\n  clientId: viewer\n"
            + "  publicUrl: https://viewer.example.org/\n";

    @TempDir
    Path tmp;

    @Test
    void shouldRefuseANonLoopbackAddressWithoutAuthAndNameTheKey() throws Exception {
        for (String host : List.of("0.0.0.0", "::", "10.1.2.3", "viewer.example.org", "127.0.0.1.nip.io")) {
            Path f = Files.writeString(tmp.resolve("open.yaml"), "store:\n  roots: [" + tmp + "]\nhttp:\n  host: \"" + host + "\"\n");
            assertThatThrownBy(() -> ViewerConfigLoader.load(f, Map.of())).as(host).isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("auth.mode: is none, but http.host " + host);
        }
        for (String host : List.of("127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]")) {
            Path f = Files.writeString(tmp.resolve("local.yaml"), "store:\n  roots: [" + tmp + "]\nhttp:\n  host: \"" + host + "\"\n");
            assertThat(ViewerConfigLoader.load(f, Map.of()).auth().mode()).as(host).isEqualTo(ViewerConfig.AuthMode.NONE);
        }
    }

    @Test
    void shouldNameTheAuthKeyOfEveryBrokenAuthSection() throws Exception {
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("  mode: ldap\n", "auth.mode");
        cases.put("  mode: oidc\n  clientId: v\n  publicUrl: https://v.example.org\n", "auth.issuer");
        cases.put("  mode: oidc\n  issuer: javascript:alert(1)\n  clientId: v\n  publicUrl: https://v.example.org\n",
                "auth.issuer");
        cases.put("  mode: oidc\n  issuer: https://sso.example.org\n  publicUrl: https://v.example.org\n", "auth.clientId");
        cases.put("  mode: oidc\n  issuer: https://sso.example.org\n  clientId: v\n", "auth.publicUrl");
        cases.put("  mode: oidc\n  issuer: https://sso.example.org\n  clientId: v\n  publicUrl: https://v.example.org/?next=evil\n",
                "auth.publicUrl");
        cases.put("  mode: proxy\n", "auth.proxySecretFile");
        cases.put("  mode: proxy\n  proxySecretFile: /run/secrets/p\n  proxyUserHeader: \"X-User\\r\\nSet-Cookie: a\"\n",
                "auth.proxyUserHeader");
        cases.put("  mdoe: oidc\n", "auth.mdoe");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path f = Files.writeString(tmp.resolve("a.yaml"), "store:\n  roots: [" + tmp + "]\nauth:\n" + c.getKey());
            assertThatThrownBy(() -> ViewerConfigLoader.load(f, Map.of())).as(c.getKey()).isInstanceOf(ConfigException.class)
                    .hasMessageContaining(c.getValue());
        }
    }

    /** A secret file that is missing, empty or a directory is refused at load, naming its key, not when the server starts. */
    @Test
    void shouldReadTheSecretFilesAtLoadAndNameTheKeyOfABrokenOne() throws Exception {
        Path empty = Files.writeString(tmp.resolve("empty-secret"), " \n");
        Path good = Files.writeString(tmp.resolve("secret"), "s3cret\n");
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put(OIDC + "  clientSecretFile: " + tmp.resolve("missing") + "\n", "auth.clientSecretFile: cannot read");
        cases.put(OIDC + "  clientSecretFile: " + empty + "\n", "auth.clientSecretFile: " + empty + " is empty");
        cases.put(OIDC + "  clientSecretFile: " + tmp + "\n", "auth.clientSecretFile: cannot read");
        cases.put("auth:\n  mode: proxy\n  proxySecretFile: " + tmp.resolve("missing") + "\n", "auth.proxySecretFile: cannot read");
        cases.put("auth:\n  mode: proxy\n  proxySecretFile: " + empty + "\n", "auth.proxySecretFile: " + empty + " is empty");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path f = Files.writeString(tmp.resolve("s.yaml"), "store:\n  roots: [" + tmp + "]\n" + c.getKey());
            assertThatThrownBy(() -> ViewerConfigLoader.load(f, Map.of())).as(c.getKey()).isInstanceOf(ConfigException.class)
                    .hasMessageContaining(c.getValue());
        }
        Path ok = Files.writeString(tmp.resolve("ok.yaml"), "store:\n  roots: [" + tmp + "]\n" + OIDC + "  clientSecretFile: " + good
                + "\n");
        assertThat(ViewerConfigLoader.load(ok, Map.of()).auth().clientSecretFile()).isEqualTo(good);
        // a public client (no secret file) and a secret file the mode does not use are not read
        Path unused = Files.writeString(tmp.resolve("unused.yaml"), "store:\n  roots: [" + tmp + "]\nauth:\n  mode: none\n"
                + "  proxySecretFile: " + tmp.resolve("missing") + "\n");
        assertThat(ViewerConfigLoader.load(unused, Map.of()).auth().mode()).isEqualTo(ViewerConfig.AuthMode.NONE);
    }

    @Test
    void shouldReadTheFileWithEnvironmentAndCommandLineOnTop() throws Exception {
        Path f = Files.writeString(tmp.resolve("v.yaml"), "kafka:\n  bootstrapServers: k:9092\n  properties:\n    security.protocol: SSL\n"
                + "store:\n  roots: [" + tmp + "]\nhttp:\n  host: 0.0.0.0\n" + OIDC);
        ViewerConfig c = ViewerConfigLoader.load(f, Map.of());
        assertThat(c.auth().mode()).isEqualTo(ViewerConfig.AuthMode.OIDC);
        assertThat(c.auth().expectedAudience()).isEqualTo("viewer");
        assertThat(c.auth().publicUrl()).as("trailing slash dropped").isEqualTo("https://viewer.example.org");
        assertThat(c.kafka().bootstrapServers()).isEqualTo("k:9092");
        assertThat(c.kafka().properties()).containsEntry("security.protocol", "SSL");
        assertThat(c.http().port()).isEqualTo(8090);
        assertThat(c.url(8090)).isEqualTo("http://127.0.0.1:8090/");
        assertThat(ViewerConfigLoader.load(f, Map.of("BRAINSEG_HTTP_PORT", "9000")).http().port()).isEqualTo(9000);
        ViewerConfig o = ViewerConfigLoader.load(f, Map.of(), new ViewerConfigLoader.Overrides("b:1", Map.of("x", "y"), 1234,
                List.of(tmp)));
        assertThat(o.kafka().bootstrapServers()).isEqualTo("b:1");
        assertThat(o.kafka().properties()).containsEntry("x", "y").containsEntry("security.protocol", "SSL");
        assertThat(o.http().port()).isEqualTo(1234);
        assertThat(ViewerConfigLoader.keys()).contains("store.roots", "http.port", "index.maxScans");
    }

    @Test
    void shouldNameTheKeyOfABadValue() throws Exception {
        assertThatThrownBy(() -> ViewerConfigLoader.load(null, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("store.roots");
        Path typo = Files.writeString(tmp.resolve("t.yaml"), "http:\n  prot: 1\n");
        assertThatThrownBy(() -> ViewerConfigLoader.load(typo, Map.of())).hasMessageContaining("http.prot");
        Path port = Files.writeString(tmp.resolve("p.yaml"), "store:\n  roots: " + tmp + "\nhttp:\n  port: 70000\n");
        assertThatThrownBy(() -> ViewerConfigLoader.load(port, Map.of())).hasMessageContaining("http.port");
    }
}
