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
    @TempDir
    Path tmp;

    @Test
    void shouldReadTheFileWithEnvironmentAndCommandLineOnTop() throws Exception {
        Path f = Files.writeString(tmp.resolve("v.yaml"), "kafka:\n  bootstrapServers: k:9092\n  properties:\n    security.protocol: SSL\n"
                + "store:\n  roots: [" + tmp + "]\nhttp:\n  host: 0.0.0.0\n");
        ViewerConfig c = ViewerConfigLoader.load(f, Map.of());
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
