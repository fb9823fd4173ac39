package org.brainseg.model.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.brainseg.imaging.labels.LabelConvention;
import org.brainseg.imaging.preprocess.PreprocessOptions;
import org.brainseg.model.Phantoms;
import org.brainseg.model.artifact.ModelArtifact;
import org.brainseg.model.artifact.ModelManifest;
import org.brainseg.model.engine.DeviceChoice;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.model.net.UNet3d;
import org.brainseg.model.net.UNetConfig;
import org.brainseg.schemas.Normalization;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmenterTest {
    @TempDir
    static Path dir;

    /** An untrained but seeded model at 2 mm: its masks are arbitrary yet deterministic. */
    @BeforeAll
    static void saveModel() throws Exception {
        Engine.getInstance().setRandomSeed(8);
        UNetConfig arch = UNetConfig.brats(2, 4, Normalization.LAYER);
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            UNet3d net = new UNet3d(arch);
            net.initialize(m, DataType.FLOAT32, new Shape(1, 4, 16, 16, 16));
            ModelArtifact.save(dir, net, new ModelManifest("seg-test", arch, 16, PreprocessOptions.isotropic(2),
                    LabelConvention.INTERNAL, "", Map.of(), Map.of(), ModelArtifact.PARAMS_FILE, "", "", ""));
        }
    }

    @Test
    void shouldReturnTheMaskInTheScansGeometryWithVolumes() throws Exception {
        Phantoms.Scan scan = Phantoms.scan("s", 40, 1.0, 3, 0.1);
        try (Segmenter s = Segmenter.load(dir, EngineSettings.of(DeviceChoice.CPU, 1))) {
            Segmentation seg = s.segment(scan.id(), scan.channels(), false);
            assertThat(seg.mask().shape()).containsExactly(40, 40, 40);
            assertThat(seg.mask().affine()).isEqualTo(scan.channels()[0].affine());
            long[] counts = new long[4];
            for (float v : seg.mask().data()) {
                assertThat(v).isBetween(0f, 3f);
                counts[(int) v]++;
            }
            assertThat(seg.volumesMl().edema()).isEqualTo(counts[2] / 1000.0);
            assertThat(seg.volumesMl().ncrNet()).isEqualTo(counts[1] / 1000.0);
            assertThat(seg.volumesMl().enhancing()).isEqualTo(counts[3] / 1000.0);
            assertThat(seg.volumesMl().wt()).isEqualTo((counts[1] + counts[2] + counts[3]) / 1000.0);
            assertThat(seg.volumesMl().tc()).isEqualTo((counts[1] + counts[3]) / 1000.0);
            assertThat(seg.volumesMl().et()).isEqualTo(counts[3] / 1000.0);
            float[] brats = seg.mask(LabelConvention.BRATS2021).data();
            for (int i = 0; i < brats.length; i++) {
                assertThat(brats[i]).isEqualTo(seg.mask().data()[i] == 3 ? 4f : seg.mask().data()[i]);
            }
            // Outside the brain box everything is background.
            assertThat(seg.mask().get(0, 0, 0)).isZero();
            Segmentation tta = s.segment(scan.id(), scan.channels(), true);
            assertThat(tta.mask().shape()).containsExactly(40, 40, 40);
        }
    }

    @Test
    void shouldGiveIdenticalMasksFromConcurrentThreads() throws Exception {
        Phantoms.Scan a = Phantoms.scan("a", 36, 1.0, 4, 0.1);
        Phantoms.Scan b = Phantoms.scan("b", 36, 1.2, 5, 0.1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Segmenter s = Segmenter.load(dir, EngineSettings.of(DeviceChoice.CPU, 1))) {
            float[] refA = s.segment(a.id(), a.channels(), false).mask().data();
            float[] refB = s.segment(b.id(), b.channels(), false).mask().data();
            List<Future<float[]>> futures = List.of(
                    pool.submit(() -> s.segment(a.id(), a.channels(), false).mask().data()),
                    pool.submit(() -> s.segment(b.id(), b.channels(), false).mask().data()),
                    pool.submit(() -> s.segment(a.id(), a.channels(), false).mask().data()),
                    pool.submit(() -> s.segment(b.id(), b.channels(), false).mask().data()));
            for (int i = 0; i < futures.size(); i++) {
                assertThat(futures.get(i).get()).containsExactly(i % 2 == 0 ? refA : refB);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldRefuseToSegmentAfterClose() throws Exception {
        Segmenter s = Segmenter.load(dir, EngineSettings.of(DeviceChoice.CPU, 1));
        s.close();
        s.close();
        Phantoms.Scan a = Phantoms.scan("a", 16, 1.0, 4, 0.1);
        assertThatThrownBy(() -> s.segment(a.id(), a.channels(), false)).isInstanceOf(IllegalStateException.class);
    }
}
