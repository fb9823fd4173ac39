package org.brainseg.worker.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.brainseg.model.bundle.BundleImport;
import org.brainseg.model.bundle.TestBundles;
import org.brainseg.model.engine.DeviceChoice;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.model.net.TorchReference;
import org.brainseg.schemas.ModelRef;
import org.brainseg.schemas.ModelStatus;
import org.brainseg.schemas.ModelVersionPublished;
import org.brainseg.worker.ModelVersions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Loading a published imported version (a TorchScript network traced by Debian's PyTorch in the
 * MONAI bundle layout, copied into the registry as {@code brainseg models import} does): a good
 * one is verified against its import manifest and the event, probed and served under the bundle's
 * own name and version; a tampered or mis-announced one is refused with the reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImportedVersionLoaderTest {
    Path registry;
    Path good;
    Path work;
    VersionLoader loader;

    @BeforeAll
    void setUp(@TempDir Path tmp) throws Exception {
        assumeTrue(TorchReference.available(), "/usr/bin/python3 with torch is not installed");
        registry = Files.createDirectories(tmp.resolve("registry"));
        work = tmp.resolve("work");
        good = ModelVersions.importedBundle(registry.resolve("m/1"), work);
        loader = new VersionLoader(new RegistryRoot(registry), EngineSettings.of(DeviceChoice.CPU, 1));
    }

    @FunctionalInterface
    interface Case {
        ModelVersionPublished event(ImportedVersionLoaderTest t) throws Exception;
    }

    @Test
    void shouldVerifyProbeAndServeAnImportedVersionUnderTheBundlesName() throws Exception {
        ServingModel m = loader.load(ModelVersions.importedEvent("m", 1, good, ModelStatus.ACTIVE));
        assertThat(m.version()).isEqualTo(1);
        assertThat(m.ref()).isEqualTo(new ModelRef(ModelRef.TORCHSCRIPT, "test-bundle", "0.1.0"));
        assertThat(m.device()).startsWith("cpu");
        m.release();
        assertThat(m.tryAcquire()).as("released: no scan may use it").isFalse();
    }

    static Stream<Arguments> badVersions() {
        return Stream.of(
                bad("network replaced after the import", t -> {
                    Path d = t.copy(2);
                    Files.write(d.resolve("models/model.ts"), Files.readAllBytes(t.nan().resolve("models/model.ts")));
                    return t.event(2, d);
                }, "changed after the import"),
                bad("file added after the import", t -> {
                    Path d = t.copy(3);
                    Files.writeString(d.resolve("configs/extra.json"), "{}");
                    return t.event(3, d);
                }, "added after the import"),
                bad("config removed after the import", t -> {
                    Path d = t.copy(4);
                    ModelVersionPublished e = t.event(4, d);
                    Files.delete(d.resolve("configs/inference.json"));
                    return e;
                }, "missing"),
                bad("event announces another network", t -> withSha(t.event(5, t.copy(5)), "a".repeat(64)),
                        "does not match the event's sha256"),
                bad("event announces 5 input channels", t -> withArchitecture(t.event(6, t.copy(6)), 5, List.of(32, 32, 16)),
                        "inChannels 4 (event: 5)"),
                bad("event announces another window", t -> withArchitecture(t.event(7, t.copy(7)), 4, List.of(64, 64, 64)),
                        "patchSize [32, 32, 16]"),
                bad("no import manifest", t -> {
                    Path d = t.copy(8);
                    ModelVersionPublished e = t.event(8, d);
                    Files.delete(d.resolve("import.json"));
                    return e;
                }, "import.json"),
                bad("network gives NaN (sealed as such)", t -> t.event(9, t.nan()), "non-finite"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badVersions")
    void shouldRefuseATamperedOrMisannouncedImportSayingWhy(String name, Case c, String reason) throws Exception {
        ModelVersionPublished e = c.event(this);
        assertThatThrownBy(() -> loader.load(e)).isInstanceOf(ModelRefusedException.class).hasMessageContaining(reason);
    }

    private static Arguments bad(String name, Case c, String reason) {
        return Arguments.of(name, c, reason);
    }

    private Path nanDir;

    /** A bundle whose network answers NaN, imported as version 9. */
    private Path nan() throws Exception {
        if (nanDir == null) {
            Path source = TestBundles.make(work.resolve("nan-bundle"), "32,32,16", "gaussian", "nan");
            nanDir = registry.resolve("m/9");
            BundleImport.seal(nanDir, source.toString(), BundleImport.stage(source, nanDir), java.time.Instant.now());
        }
        return nanDir;
    }

    private Path copy(int version) throws Exception {
        Path to = registry.resolve("m/" + version);
        BundleImport.stage(good, to); // a plain copy, import.json included
        return to;
    }

    private ModelVersionPublished event(int version, Path dir) throws Exception {
        return ModelVersions.importedEvent("m", version, dir, ModelStatus.ACTIVE);
    }

    private static ModelVersionPublished withSha(ModelVersionPublished e, String sha) {
        return new ModelVersionPublished(UUID.randomUUID(), e.name(), e.version(), e.artifactUri(), sha, e.normalization(),
                e.architecture(), e.trainedOn(), e.validation(), e.status(), e.parentVersion(), e.createdAt(), null, e.source());
    }

    private static ModelVersionPublished withArchitecture(ModelVersionPublished e, int inChannels, List<Integer> patch) {
        ModelVersionPublished.Architecture a = e.architecture();
        return new ModelVersionPublished(UUID.randomUUID(), e.name(), e.version(), e.artifactUri(), e.sha256(), null,
                new ModelVersionPublished.Architecture(a.family(), null, null, inChannels, a.numClasses(), patch),
                e.trainedOn(), e.validation(), e.status(), e.parentVersion(), e.createdAt(), null, e.source());
    }
}
