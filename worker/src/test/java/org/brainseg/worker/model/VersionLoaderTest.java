package org.brainseg.worker.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.model.infer.Segmenter;
import org.brainseg.schemas.ModelStatus;
import org.brainseg.schemas.ModelVersionPublished;
import org.brainseg.schemas.Normalization;
import org.brainseg.worker.ModelVersions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Loading a published version: a good one is verified, warmed up and served; every kind of bad
 * one is refused with a reason that says what is wrong, and leaves no native memory behind.
 * Real DJL models (tiny, untrained), no broker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VersionLoaderTest {
    Path registry;
    Path elsewhere;
    Path good;
    VersionLoader loader;

    @BeforeAll
    void setUp(@TempDir Path tmp) throws Exception {
        registry = Files.createDirectories(tmp.resolve("registry"));
        elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        good = ModelVersions.untrained(registry.resolve("m/1"), 2, 4, 16, 6.0, 1);
        loader = new VersionLoader(new RegistryRoot(registry), EngineSettings.of(org.brainseg.model.engine.DeviceChoice.CPU, 1));
    }

    @FunctionalInterface
    interface Case {
        ModelVersionPublished event(VersionLoaderTest t) throws Exception;
    }

    @Test
    void shouldVerifyWarmUpAndServeAGoodVersion() throws Exception {
        ServingModel m = loader.load(ModelVersions.event("m", 1, good, ModelStatus.ACTIVE));
        assertThat(m.version()).isEqualTo(1);
        assertThat(((Segmenter) m.segmenter()).model().isClosed()).isFalse();
        m.release();
        assertThat(((Segmenter) m.segmenter()).model().isClosed()).isTrue();
    }

    static Stream<Arguments> badVersions() {
        return Stream.of(
                bad("bad checksum in the event", t -> withSha(t.event(2, t.copy(2)), "0".repeat(64)),
                        "does not match the event's sha256"),
                bad("truncated params file", t -> {
                    Path d = t.copy(3);
                    ModelVersionPublished e = t.event(3, d); // announced before the file was damaged
                    ModelVersions.truncateParams(d);
                    return e;
                }, "does not match the event's sha256"),
                bad("truncated params file with checksums recomputed", t -> {
                    Path d = t.copy(4);
                    ModelVersions.truncateParams(d);
                    ModelVersions.resealParams(d);
                    return t.event(4, d);
                }, "does not fit the architecture"),
                bad("deeper network announced", t -> withArchitecture(t.event(5, t.copy(5)), 4), "depth 2 (event: 4)"),
                bad("other normalization announced", t -> withNormalization(t.event(6, t.copy(6)), Normalization.NONE),
                        "normalization layer (event: none)"),
                bad("NaN parameters", t -> {
                    Path d = t.copy(7);
                    ModelVersions.poisonParams(d);
                    return t.event(7, d);
                }, "non-finite"),
                bad("artifact outside the registry", t -> t.event(8, ModelVersions.copy(t.good, t.elsewhere.resolve("8"))),
                        "outside the model registry"),
                bad("dot-dot out of the registry", t -> {
                    ModelVersions.copy(t.good, t.elsewhere.resolve("9"));
                    return withUri(t.event(1, t.good), URI.create(t.registry.toUri() + "m/../../elsewhere/9"));
                }, "path contains '..'"),
                bad("symbolic link out of the registry", t -> {
                    Path target = ModelVersions.copy(t.good, t.elsewhere.resolve("10"));
                    Path link = Files.createSymbolicLink(t.registry.resolve("m/10"), target);
                    return withUri(t.event(1, t.good), link.toUri());
                }, "resolves through a symbolic link"),
                bad("not a file URI", t -> withUri(t.event(1, t.good), URI.create("https://example.org/m/1")),
                        "only file: URIs"),
                bad("missing version directory", t -> withUri(t.event(1, t.good), t.registry.resolve("m/99").toUri()),
                        "no such directory"),
                bad("directory without model.json", t -> {
                    Path d = t.copy(12);
                    Files.delete(d.resolve("model.json"));
                    return withUri(t.event(1, t.good), d.toUri());
                }, "model.json"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badVersions")
    void shouldRefuseABadVersionSayingWhyAndLeakNothing(String name, Case c, String reason) throws Exception {
        ModelVersionPublished e = c.event(this);
        int before = ModelVersions.liveNdArrays();
        assertThatThrownBy(() -> loader.load(e)).isInstanceOf(ModelRefusedException.class).hasMessageContaining(reason);
        assertThat(ModelVersions.liveNdArrays()).isEqualTo(before);
    }

    private static Arguments bad(String name, Case c, String reason) {
        return Arguments.of(name, c, reason);
    }

    private Path copy(int version) throws Exception {
        return ModelVersions.copy(good, registry.resolve("m/" + version));
    }

    private ModelVersionPublished event(int version, Path dir) throws Exception {
        return ModelVersions.event("m", version, dir, ModelStatus.ACTIVE);
    }

    private static ModelVersionPublished withSha(ModelVersionPublished e, String sha) {
        return new ModelVersionPublished(UUID.randomUUID(), e.name(), e.version(), e.artifactUri(), sha, e.normalization(),
                e.architecture(), e.trainedOn(), e.validation(), e.status(), e.parentVersion(), e.createdAt());
    }

    private static ModelVersionPublished withUri(ModelVersionPublished e, URI uri) {
        return new ModelVersionPublished(UUID.randomUUID(), e.name(), e.version(), uri, e.sha256(), e.normalization(),
                e.architecture(), e.trainedOn(), e.validation(), e.status(), e.parentVersion(), e.createdAt());
    }

    private static ModelVersionPublished withNormalization(ModelVersionPublished e, Normalization n) {
        return new ModelVersionPublished(UUID.randomUUID(), e.name(), e.version(), e.artifactUri(), e.sha256(), n,
                e.architecture(), e.trainedOn(), e.validation(), e.status(), e.parentVersion(), e.createdAt());
    }

    private static ModelVersionPublished withArchitecture(ModelVersionPublished e, int depth) {
        ModelVersionPublished.Architecture a = e.architecture();
        return new ModelVersionPublished(UUID.randomUUID(), e.name(), e.version(), e.artifactUri(), e.sha256(),
                e.normalization(), new ModelVersionPublished.Architecture(a.family(), depth, a.baseWidth(), a.inChannels(),
                        a.numClasses(), List.copyOf(a.patchSize())), e.trainedOn(), e.validation(), e.status(),
                e.parentVersion(), e.createdAt());
    }
}
