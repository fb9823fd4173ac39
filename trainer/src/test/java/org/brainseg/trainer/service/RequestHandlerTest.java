package org.brainseg.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.brainseg.imaging.io.FileTrees;
import org.brainseg.model.train.TrainingListener;
import org.brainseg.schemas.ErrorCode;
import org.brainseg.schemas.ModelCatalog;
import org.brainseg.schemas.ModelRef;
import org.brainseg.schemas.ModelStatus;
import org.brainseg.schemas.ModelVersionPublished;
import org.brainseg.schemas.Normalization;
import org.brainseg.schemas.Promotion;
import org.brainseg.schemas.RegionValues;
import org.brainseg.schemas.StartFrom;
import org.brainseg.schemas.TrainingRequested;
import org.brainseg.trainer.config.TrainerConfig;
import org.brainseg.trainer.registry.ModelRegistry;
import org.brainseg.trainer.registry.VersionRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One request at a time, without Kafka: refusals name the problem with the right error code, a
 * real (one-step) training run ends as a registry version with its request record, and the same
 * request id is never trained twice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestHandlerTest {
    Path tmp;
    Path data;

    @BeforeAll
    void setUp(@TempDir Path dir) throws Exception {
        tmp = dir;
        data = Fixtures.cohort(tmp.resolve("data"), 3, 5);
    }

    private RequestHandler handler(Path registryRoot, List<Path> roots) throws Exception {
        TrainerConfig base = Fixtures.config("localhost:1", registryRoot, Fixtures.crippled(), "t");
        TrainerConfig c = new TrainerConfig(base.kafka(), base.registry(), base.promotion(), base.holdOut(), base.training(),
                base.autoRetrain(), new TrainerConfig.Data(roots), base.http());
        return new RequestHandler(c, new ModelRegistry(registryRoot), Clock.systemUTC());
    }

    private static TrainingRequested request(String id, URI dataset) {
        return new TrainingRequested(UUID.randomUUID(), id, "test", dataset, Normalization.LAYER, 1, 3, Promotion.AUTO);
    }

    private RequestHandler.Refused refused(URI dataset, List<Path> roots) throws Exception {
        RequestHandler.Result r = handler(tmp.resolve("refusals"), roots).handle(request("x", dataset), new ModelCatalog("brainseg"),
                TrainingListener.NONE);
        assertThat(r).isInstanceOf(RequestHandler.Refused.class);
        return (RequestHandler.Refused) r;
    }

    @Test
    void shouldRefuseDatasetsThatCannotBeTrainedOn() throws Exception {
        assertThat(refused(URI.create("s3://bucket/brats"), List.of()).code()).isEqualTo(ErrorCode.URI_NOT_ALLOWED);
        RequestHandler.Refused missing = refused(tmp.resolve("nope").toUri(), List.of());
        assertThat(missing.code()).isEqualTo(ErrorCode.FILE_MISSING);
        assertThat(missing.message()).contains("no such directory");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertThat(refused(empty.toUri(), List.of()).message()).contains("no BraTS or MSD cases");
        Path one = Files.createDirectories(tmp.resolve("one"));
        try (Stream<Path> cases = Files.list(data)) {
            Path first = cases.filter(Files::isDirectory).sorted().findFirst().orElseThrow();
            FileTrees.copy(first, one.resolve(first.getFileName()));
        }
        assertThat(refused(one.toUri(), List.of()).message()).contains("has 1 labelled case(s); training needs at least 2");
        RequestHandler.Refused outside = refused(data.toUri(), List.of(tmp.resolve("empty")));
        assertThat(outside.code()).isEqualTo(ErrorCode.URI_NOT_ALLOWED);
        assertThat(outside.message()).contains("outside the allowed data.roots");
    }

    @Test
    void shouldRefuseACorruptVolumeWithItsCode() throws Exception {
        Path bad = tmp.resolve("corrupt");
        FileTrees.copy(data, bad);
        try (Stream<Path> files = Files.walk(bad)) {
            for (Path f : files.filter(p -> p.getFileName().toString().contains("flair")).toList()) {
                Files.write(f, new byte[] {31, -117, 8, 0, 1, 2}); // gzip magic, then nothing
            }
        }
        RequestHandler.Refused r = refused(bad.toUri(), List.of());
        assertThat(r.code()).isEqualTo(ErrorCode.NIFTI_CORRUPT);
        assertThat(r.message()).contains("flair");
    }

    @Test
    void shouldTrainOnceAndReuseTheVersionForTheSameRequestId() throws Exception {
        Path root = tmp.resolve("registry");
        RequestHandler h = handler(root, List.of(data));
        RequestHandler.Result first = h.handle(request("req-1", data.toUri()), new ModelCatalog("brainseg"), TrainingListener.NONE);
        assertThat(first).isInstanceOf(RequestHandler.Trained.class);
        RequestHandler.Trained t = (RequestHandler.Trained) first;
        assertThat(t.version()).isEqualTo(1);
        assertThat(t.reused()).isFalse();
        assertThat(t.directory()).isEqualTo(root.resolve("brainseg/1"));
        assertThat(t.directory().resolve("model.json")).isRegularFile();
        assertThat(t.record().requestId()).isEqualTo("req-1");
        assertThat(t.record().candidate().cases()).hasSize(1);
        assertThat(t.record().candidate().meanDice()).isBetween(0.0, 1.0);
        assertThat(t.record().comparedWith()).isNull();
        assertThat(VersionRecord.read(t.directory())).contains(t.record());
        try (Stream<Path> s = Files.list(root.resolve("brainseg"))) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("1"); // the work directory is gone
        }

        // restarted before the Kafka commit: the version is published as it is, not trained again
        long t0 = System.nanoTime();
        RequestHandler.Result again = h.handle(request("req-1", data.toUri()), new ModelCatalog("brainseg"), new TrainingListener() {
            @Override
            public void onStart(org.brainseg.model.train.TrainingConfig c, int a, int b) {
                throw new AssertionError("must not train again");
            }
        });
        assertThat(again).isInstanceOf(RequestHandler.Trained.class);
        assertThat(((RequestHandler.Trained) again).reused()).isTrue();
        assertThat(((RequestHandler.Trained) again).record()).isEqualTo(t.record());
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(5);
        assertThat(new ModelRegistry(root).versions("brainseg")).containsExactly(1);

        // once brainseg.models names the version, the request is done
        ModelCatalog catalog = new ModelCatalog("brainseg");
        catalog.apply(ModelEvents.version("brainseg", 1, t.directory().toUri(), t.manifest(), t.record(), ModelStatus.ACTIVE, null,
                Instant.now()));
        assertThat(h.handle(request("req-1", data.toUri()), catalog, TrainingListener.NONE))
                .isEqualTo(new RequestHandler.AlreadyDone(1));
    }

    @Test
    void shouldFineTuneTheActiveVersionAndRefuseAnotherArchitecture() throws Exception {
        Path root = tmp.resolve("fine-tune");
        RequestHandler h = handler(root, List.of(data));
        ModelCatalog catalog = new ModelCatalog("brainseg");
        // no active version yet: "start from the active one" trains from scratch
        RequestHandler.Trained v1 = (RequestHandler.Trained) h.handle(fineTune("ft-1", Normalization.LAYER), catalog,
                TrainingListener.NONE);
        assertThat(v1.manifest().training()).doesNotContainKey("startedFrom");
        catalog.apply(ModelEvents.version("brainseg", 1, v1.directory().toUri(), v1.manifest(), v1.record(), ModelStatus.ACTIVE,
                null, Instant.now()));

        RequestHandler.Result r = h.handle(fineTune("ft-2", Normalization.LAYER), catalog, TrainingListener.NONE);
        assertThat(r).isInstanceOf(RequestHandler.Trained.class);
        RequestHandler.Trained v2 = (RequestHandler.Trained) r;
        assertThat(v2.version()).isEqualTo(2);
        assertThat(v2.manifest().training()).containsEntry("startedFrom", v1.directory().toString());
        assertThat(v2.manifest().paramsSha256()).isNotEqualTo(v1.manifest().paramsSha256()); // it trained on

        RequestHandler.Result other = h.handle(fineTune("ft-3", Normalization.NONE), catalog, TrainingListener.NONE);
        assertThat(other).isInstanceOf(RequestHandler.Refused.class);
        assertThat(((RequestHandler.Refused) other).code()).isEqualTo(ErrorCode.INCOMPATIBLE_MODEL);
        assertThat(((RequestHandler.Refused) other).message()).contains("cannot fine-tune active version 1", "layer network",
                "none one");

        Files.writeString(v1.directory().resolve("unet.params"), "replaced");
        RequestHandler.Result corrupt = h.handle(fineTune("ft-4", Normalization.LAYER), catalog, TrainingListener.NONE);
        assertThat(corrupt).isInstanceOf(RequestHandler.Refused.class);
        assertThat(((RequestHandler.Refused) corrupt).code()).isEqualTo(ErrorCode.INCOMPATIBLE_MODEL);
        assertThat(((RequestHandler.Refused) corrupt).message()).contains("sha256");
        assertThat(new ModelRegistry(root).versions("brainseg")).containsExactly(1, 2);
    }

    @Test
    void shouldRefuseToFineTuneAnImportedActiveVersionSayingWhy() throws Exception {
        Path root = tmp.resolve("fine-tune-imported");
        RequestHandler h = handler(root, List.of(data));
        Path dir = Files.createDirectories(root.resolve("brainseg/1"));
        ModelCatalog catalog = new ModelCatalog("brainseg");
        catalog.apply(new ModelVersionPublished(UUID.randomUUID(), "brainseg", 1, dir.toUri(), "b".repeat(64), null,
                new ModelVersionPublished.Architecture(ModelVersionPublished.IMPORTED_FAMILY, null, null, 4, 3, List.of(96, 96, 64)),
                "imported from /bundles/brats_mri_segmentation",
                new ModelVersionPublished.Validation(null, new RegionValues(0.8, 0.8, 0.8, 0.8, 0.8, 0.8)), ModelStatus.ACTIVE, null,
                Instant.now(), null, new ModelRef(ModelRef.TORCHSCRIPT, "brats_mri_segmentation", "0.5.3")));

        RequestHandler.Result r = h.handle(fineTune("ft-imported", Normalization.LAYER), catalog, TrainingListener.NONE);
        assertThat(r).isInstanceOf(RequestHandler.Refused.class);
        RequestHandler.Refused refused = (RequestHandler.Refused) r;
        assertThat(refused.code()).isEqualTo(ErrorCode.INCOMPATIBLE_MODEL);
        assertThat(refused.message()).contains("cannot fine-tune active version 1", "imported model",
                "brats_mri_segmentation 0.5.3", "from scratch");
        assertThat(new ModelRegistry(root).versions("brainseg")).as("nothing trained").containsExactly(1);
    }

    private TrainingRequested fineTune(String id, Normalization n) {
        return new TrainingRequested(UUID.randomUUID(), id, "test", data.toUri(), n, 1, 3, Promotion.AUTO, StartFrom.ACTIVE);
    }
}
