package org.brainseg.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.brainseg.cli.command.CliTest.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code brainseg trainer --check}: the documented example validates; a bad file is one line and exit 2. */
class TrainerCommandTest {
    @TempDir
    Path tmp;

    @Test
    void shouldValidateTheExampleConfiguration() throws Exception {
        Run r = CliTest.run("trainer", "--config", Path.of("..", "deploy", "trainer.example.yaml").toString(), "--check");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.json().path("registry").path("modelName").asText()).isEqualTo("brainseg");
        assertThat(r.json().path("promotion").path("tolerance").asDouble()).isEqualTo(0.01);
    }

    @Test
    void shouldRefuseABadConfigurationWithExitCodeTwo() throws Exception {
        Path bad = Files.writeString(tmp.resolve("t.yaml"), "kafka:\n  bootstrapServers: b:1\nregistry:\n  root: /m\n  keepLatest: 0\n");
        Run r = CliTest.run("trainer", "--config", bad.toString(), "--check");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("brainseg trainer: " + bad).contains("registry.keepLatest").doesNotContain("\n");
        Run missing = CliTest.run("trainer", "--config", tmp.resolve("none.yaml").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("none.yaml");
    }
}
