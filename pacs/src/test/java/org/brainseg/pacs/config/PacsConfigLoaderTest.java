package org.brainseg.pacs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.pacs.rules.SeriesRules;
import org.brainseg.service.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PacsConfigLoaderTest {
    static final Path EXAMPLE = Path.of("..", "deploy", "pacs-bridge.example.yaml");

    @TempDir
    Path tmp;

    @Test
    void shouldLoadTheExampleWithItsDefaults() throws Exception {
        PacsConfig c = PacsConfigLoader.load(EXAMPLE, Map.of());
        assertThat(c.orthanc().url().toString()).isEqualTo("http://localhost:8042");
        assertThat(c.orthanc().username()).isNull();
        assertThat(c.store().maskRoots()).containsExactly(Path.of("out/masks"));
        assertThat(c.series().rules()).containsOnlyKeys(Modality.values());
        assertThat(c.http().port()).isEqualTo(8093);
    }

    @Test
    void shouldDocumentEveryKeyInTheExampleWithTheDefaultRules() throws Exception {
        String text = Files.readString(EXAMPLE);
        for (String key : PacsConfigLoader.keys()) {
            String section = key.substring(0, key.indexOf('.'));
            String name = key.substring(key.lastIndexOf('.') + 1); // http.tls.certificate: nested, as certificate:
            assertThat(text).as(key).contains(section + ":").containsPattern("(?m)^\\s+#?\\s?" + name + ":");
        }
        assertThat(PacsConfigLoader.load(EXAMPLE, Map.of()).series().rules()).isEqualTo(SeriesRules.DEFAULTS);
    }

    @Test
    void shouldTakeThePasswordFromTheEnvironmentAndNeverShowIt() throws Exception {
        PacsConfig c = PacsConfigLoader.load(EXAMPLE, Map.of("BRAINSEG_ORTHANC_USERNAME", "brainseg",
                "BRAINSEG_ORTHANC_PASSWORD", "hunter2-secret", "BRAINSEG_ORTHANC_URL", "https://pacs.example.org:8042"));
        assertThat(c.orthanc().password()).isEqualTo("hunter2-secret");
        assertThat(c.orthanc().url().getScheme()).isEqualTo("https");
        assertThat(c.toString()).doesNotContain("hunter2").contains("password=***");
    }

    @Test
    void shouldRefuseAUserWithoutPassword() {
        assertThatThrownBy(() -> PacsConfigLoader.load(EXAMPLE, Map.of("BRAINSEG_ORTHANC_USERNAME", "brainseg")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("orthanc.password");
    }

    @Test
    void shouldRefuseCredentialsInTheUrl() {
        assertThatThrownBy(() -> PacsConfigLoader.load(EXAMPLE, Map.of("BRAINSEG_ORTHANC_URL", "http://u:p@pacs:8042")))
                .hasMessageContaining("orthanc.url").hasMessageNotContaining("u:p");
    }

    @Test
    void shouldNameTheRuleThatIsNotARegularExpression() throws Exception {
        Path f = Files.writeString(tmp.resolve("c.yaml"), "store:\n  inputDir: a\n  positionFile: b\n  maskRoots: [c]\n"
                + "series:\n  flair: 'fl(air'\n");
        assertThatThrownBy(() -> PacsConfigLoader.load(f, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("series.flair");
    }

    @Test
    void shouldRequireMaskRootsWhileResultsAreEnabled() throws Exception {
        Path f = Files.writeString(tmp.resolve("c.yaml"), "store:\n  inputDir: a\n  positionFile: b\n");
        assertThatThrownBy(() -> PacsConfigLoader.load(f, Map.of())).hasMessageContaining("store.maskRoots");
        Path off = Files.writeString(tmp.resolve("d.yaml"), "store:\n  inputDir: a\n  positionFile: b\nresults:\n  enabled: false\n");
        assertThat(PacsConfigLoader.load(off, Map.of()).results().enabled()).isFalse();
    }

    @Test
    void shouldRefuseUnknownKeys() throws Exception {
        Path f = Files.writeString(tmp.resolve("c.yaml"), "orthanc:\n  pasword: x\n");
        assertThatThrownBy(() -> PacsConfigLoader.load(f, Map.of())).hasMessageContaining("orthanc.pasword");
    }
}
