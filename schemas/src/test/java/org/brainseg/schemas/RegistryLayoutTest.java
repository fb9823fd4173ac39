package org.brainseg.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RegistryLayoutTest {
    @Test
    void shouldPlaceVersionsUnderTheModelName(@TempDir Path root) {
        assertThat(new RegistryLayout(root).versionDirectory("brainseg", 7)).isEqualTo(root.resolve("brainseg").resolve("7"));
    }

    @Test
    void shouldListOnlyVersionDirectoriesAscending(@TempDir Path root) throws Exception {
        RegistryLayout layout = new RegistryLayout(root);
        for (String d : new String[] {"10", "2", ".tmp-work-x", "007", "notes"}) {
            Files.createDirectories(root.resolve("m").resolve(d));
        }
        Files.writeString(root.resolve("m").resolve("3"), "a file, not a version");
        assertThat(layout.versions("m")).containsExactly(2, 10);
        assertThat(layout.versions("absent")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"/r/m/3, 3", "/r/m/12, 12", "/r/m/0, -1", "/r/m/x, -1", "/r/m/.tmp-1, -1"})
    void shouldReadTheVersionFromTheDirectoryName(String dir, int expected) {
        assertThat(RegistryLayout.versionOf(Path.of(dir)).orElse(-1)).isEqualTo(expected);
    }

    @Test
    void shouldRefuseNamesThatAreNotDirectoryNames(@TempDir Path root) {
        RegistryLayout layout = new RegistryLayout(root);
        assertThatThrownBy(() -> layout.modelDirectory("../up")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model name must match");
        assertThatThrownBy(() -> layout.versionDirectory("m", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version must be positive");
        assertThat(RegistryLayout.isTemporary(root.resolve(".tmp-deleted-1"))).isTrue();
    }
}
