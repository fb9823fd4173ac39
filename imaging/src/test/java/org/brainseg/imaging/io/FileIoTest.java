package org.brainseg.imaging.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileIoTest {
    @TempDir
    Path dir;

    @Test
    void shouldReplaceTheTargetWholeAndLeaveNoTemporaryFile() throws Exception {
        Path target = dir.resolve("sub/state.json");
        AtomicWrite.write(target, tmp -> Files.writeString(tmp, "one"));
        AtomicWrite.write(target, tmp -> Files.writeString(tmp, "two"));
        assertThat(target).hasContent("two");
        assertThat(list(target.getParent())).containsExactly("state.json");
    }

    @Test
    void shouldKeepTheOldFileAndRemoveTheTemporaryOneWhenWritingFails() throws Exception {
        Path target = dir.resolve("mask.nii.gz");
        Files.writeString(target, "old");
        assertThatThrownBy(() -> AtomicWrite.write(target, tmp -> {
            Files.writeString(tmp, "half");
            throw new IOException("disk full");
        })).hasMessage("disk full");
        assertThat(target).hasContent("old");
        assertThat(list(dir)).containsExactly("mask.nii.gz");
    }

    @Test
    void shouldCopyAndDeleteATree() throws Exception {
        Path from = dir.resolve("a");
        Files.createDirectories(from.resolve("b/c"));
        Files.writeString(from.resolve("b/c/x.txt"), "x");
        Files.writeString(from.resolve("y.txt"), "y");
        Path to = dir.resolve("copy");
        FileTrees.copy(from, to);
        assertThat(to.resolve("b/c/x.txt")).hasContent("x");
        assertThat(to.resolve("y.txt")).hasContent("y");
        FileTrees.delete(to);
        assertThat(to).doesNotExist();
        FileTrees.delete(to); // absent: nothing to do
    }

    private static java.util.List<String> list(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
