package org.brainseg.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.brainseg.cli.command.CliTest.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code brainseg pacs-bridge}: the example validates, --check hides the password, bad input is exit 2. */
class PacsBridgeCommandTest {
    @TempDir
    Path tmp;

    @Test
    void shouldCheckTheExampleConfigurationAndPrintItAsJson() throws Exception {
        Run r = CliTest.run("pacs-bridge", "--config", Path.of("..", "deploy", "pacs-bridge.example.yaml").toString(), "--check");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.json().path("orthanc").path("url").asText()).isEqualTo("http://localhost:8042");
        assertThat(r.json().path("orthanc").path("timeoutSeconds").asInt()).isEqualTo(30);
        assertThat(r.json().path("series").path("maxSlices").asInt()).isEqualTo(1024);
    }

    @Test
    void shouldNeverPrintThePassword() throws Exception {
        Path f = Files.writeString(tmp.resolve("p.yaml"), "orthanc:\n  username: brainseg\n  password: hunter2-secret\n"
                + "store:\n  inputDir: a\n  positionFile: b\n  maskRoots: [c]\n");
        Run r = CliTest.run("pacs-bridge", "--config", f.toString(), "--check");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).doesNotContain("hunter2");
        assertThat(r.json().path("orthanc").path("password").asText()).isEqualTo("***");
    }

    @Test
    void shouldRefuseABadConfigurationWithExitCodeTwo() throws Exception {
        Path f = Files.writeString(tmp.resolve("p.yaml"), "orthanc:\n  url: ftp://pacs\nstore:\n  inputDir: a\n  positionFile: b\n"
                + "  maskRoots: [c]\n");
        Run r = CliTest.run("pacs-bridge", "--config", f.toString(), "--check");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("orthanc.url");
    }
}
