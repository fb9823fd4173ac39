package org.brainseg.pacs.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PositionFileTest {
    @TempDir
    Path dir;

    @Test
    void shouldStartAtTheBeginningWithoutAFile() throws Exception {
        assertThat(PositionFile.load(dir.resolve("position.json")).since()).isZero();
    }

    @Test
    void shouldSurviveARestartWithItsAnnouncedStudies() throws Exception {
        Path f = dir.resolve("position.json");
        PositionFile p = PositionFile.start().after(9, "study-a", "fp1").after(12, null, null);
        p.save(f);
        PositionFile back = PositionFile.load(f);
        assertThat(back.since()).isEqualTo(12);
        assertThat(back.alreadyAnnounced("study-a", "fp1")).isTrue();
        assertThat(back.alreadyAnnounced("study-a", "fp2")).isFalse();
        try (var files = Files.list(dir)) {
            assertThat(files.map(x -> x.getFileName().toString())).containsExactly("position.json");
        }
    }

    @Test
    void shouldNeverMoveBackwards() {
        assertThat(PositionFile.start().after(20, null, null).after(5, null, null).since()).isEqualTo(20);
    }

    @Test
    void shouldNameTheFileWhenItIsCorrupt() throws Exception {
        Path f = dir.resolve("position.json");
        Files.writeString(f, "{\"since\": ");
        assertThatThrownBy(() -> PositionFile.load(f)).hasMessageContaining(f.toString()).hasMessageContaining("delete");
    }
}
