package org.brainseg.trainer.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRegistryTest {
    @TempDir
    Path tmp;

    Path model;
    ModelRegistry registry;

    @BeforeEach
    void setUp() throws Exception {
        model = Files.createDirectories(tmp.resolve("trained"));
        Files.writeString(model.resolve("model.json"), "{\"name\":\"x\"}");
        Files.write(model.resolve("unet.params"), new byte[] {1, 2, 3});
        registry = new ModelRegistry(tmp.resolve("models"));
    }

    @Test
    void shouldPublishMonotonicVersionsAsCompleteCopies() throws Exception {
        assertThat(registry.latest("brainseg")).isZero();
        assertThat(registry.publish("brainseg", model)).isEqualTo(1);
        assertThat(registry.publish("brainseg", model)).isEqualTo(2);
        assertThat(registry.versions("brainseg")).containsExactly(1, 2);
        assertThat(Files.readAllBytes(registry.path("brainseg", 2).resolve("unet.params"))).containsExactly(1, 2, 3);
        assertThat(model.resolve("model.json")).exists(); // the source is left alone
        try (var s = Files.list(tmp.resolve("models/brainseg"))) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("1", "2");
        }
    }

    @Test
    void shouldGiveConcurrentPublishersDistinctVersions() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> f = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                f.add(pool.submit(() -> registry.publish("brainseg", model)));
            }
            List<Integer> got = new ArrayList<>();
            for (Future<Integer> x : f) {
                got.add(x.get());
            }
            assertThat(got).doesNotHaveDuplicates().hasSize(40);
            assertThat(registry.versions("brainseg")).containsExactlyInAnyOrderElementsOf(got);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldIgnoreAndCleanWhatAnInterruptedPublicationLeft() throws Exception {
        registry.publish("brainseg", model);
        Path half = Files.createDirectories(tmp.resolve("models/brainseg/.tmp-crashed"));
        Files.writeString(half.resolve("model.json"), "{");
        Files.createDirectories(tmp.resolve("models/brainseg/notaversion"));
        assertThat(registry.versions("brainseg")).containsExactly(1);
        assertThat(registry.cleanTemporary("brainseg")).isEqualTo(1);
        assertThat(half).doesNotExist();
        assertThat(registry.publish("brainseg", model)).isEqualTo(2);
    }

    @Test
    void shouldKeepTheLatestAndTheActiveWhenPruning() throws Exception {
        for (int i = 0; i < 6; i++) {
            registry.publish("brainseg", model);
        }
        assertThat(registry.prune("brainseg", 2, Set.of(3))).containsExactly(1, 2, 4);
        assertThat(registry.versions("brainseg")).containsExactly(3, 5, 6);
        assertThat(registry.publish("brainseg", model)).isEqualTo(7); // numbers are never reused
    }

    @Test
    void shouldRejectHostileNamesAndBadArguments() {
        assertThatThrownBy(() -> registry.publish("../etc", model)).hasMessageContaining("model name");
        assertThatThrownBy(() -> registry.publish(".hidden", model)).hasMessageContaining("model name");
        assertThatThrownBy(() -> registry.path("brainseg", 0)).hasMessageContaining("positive");
        assertThatThrownBy(() -> registry.publish("brainseg", tmp.resolve("absent"))).hasMessageContaining("not a model directory");
        assertThatThrownBy(() -> registry.prune("brainseg", 0, Set.of())).hasMessageContaining("keepLatest");
        assertThatThrownBy(() -> registry.publish("brainseg", Files.createDirectories(tmp.resolve("empty"))))
                .hasMessageContaining("empty");
    }

    @Test
    void shouldNameTheManifestAsTheModelWritesIt() {
        // the layout (schemas) cannot see the model module, so the file name is written twice: keep them equal
        assertThat(org.brainseg.schemas.RegistryLayout.MANIFEST_FILE)
                .isEqualTo(org.brainseg.model.artifact.ModelManifest.FILE_NAME);
    }
}
