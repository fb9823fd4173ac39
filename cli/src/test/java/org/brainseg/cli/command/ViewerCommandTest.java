package org.brainseg.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.brainseg.cli.command.CliTest.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code brainseg viewer}: options over the file, the example validates, bad input is one line and exit 2. */
class ViewerCommandTest {
    @TempDir
    Path tmp;

    @Test
    void shouldTakeTheCommandLineOverTheExampleConfiguration() throws Exception {
        Path example = Path.of("..", "deploy", "viewer.example.yaml");
        Files.createDirectories(tmp.resolve("masks"));
        Run r = CliTest.run("viewer", "--config", example.toString(), "--root", tmp.toString(), "--root", tmp.resolve("masks").toString(),
                "--bootstrap", "b:19092", "--port", "18090", "--property", "security.protocol=SSL", "--check");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.json().path("kafka").path("bootstrapServers").asText()).isEqualTo("b:19092");
        assertThat(r.json().path("kafka").path("properties").path("security.protocol").asText()).isEqualTo("SSL");
        assertThat(r.json().path("http").path("port").asInt()).isEqualTo(18090);
        assertThat(r.json().path("store").path("roots")).hasSize(2);
    }

    @Test
    void shouldRefuseMissingRootsAndBadFilesWithExitCodeTwo() throws Exception {
        Run none = CliTest.run("viewer", "--check");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("store.roots").contains("--root");
        Path bad = Files.writeString(tmp.resolve("v.yaml"), "store:\n  roots: " + tmp + "\nhttp:\n  port: 99999\n");
        Run r = CliTest.run("viewer", "--config", bad.toString(), "--check");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("brainseg viewer: " + bad).contains("http.port").doesNotContain("\n");
    }

    @Test
    void shouldRefuseToServeAllInterfacesWithoutALoginAndNameTheKey() throws Exception {
        Path open = Files.writeString(tmp.resolve("open.yaml"), "store:\n  roots: " + tmp + "\nhttp:\n  host: 0.0.0.0\n");
        Run r = CliTest.run("viewer", "--config", open.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).contains("auth.mode").contains("0.0.0.0").contains("oidc").doesNotContain("\n");
        // a login configured with a secret file that is not there: exit 2 naming the key, before anything starts
        Path noSecret = Files.writeString(tmp.resolve("nosecret.yaml"), "store:\n  roots: " + tmp + "\nhttp:\n  host: 0.0.0.0\n"
                + "auth:\n  mode: oidc\n  issuer: https://sso.example.org/realms/h\n  clientId: viewer\n"
                + "  publicUrl: https://viewer.example.org\n  clientSecretFile: " + tmp.resolve("absent") + "\n");
        Run secret = CliTest.run("viewer", "--config", noSecret.toString());
        assertThat(secret.code()).as(secret.err()).isEqualTo(2);
        assertThat(secret.err().strip()).contains("auth.clientSecretFile: cannot read").doesNotContain("\n");
        Path env = Files.writeString(tmp.resolve("local.yaml"), "store:\n  roots: " + tmp + "\n");
        Run local = CliTest.run("viewer", "--config", env.toString(), "--check");
        assertThat(local.code()).as(local.err()).isZero();
        assertThat(local.json().path("auth").path("mode").asText()).isEqualTo("NONE");
    }
}
