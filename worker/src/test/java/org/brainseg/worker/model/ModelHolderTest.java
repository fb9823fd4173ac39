package org.brainseg.worker.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.brainseg.model.engine.DeviceChoice;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.model.infer.Segmenter;
import org.brainseg.schemas.ModelRef;
import org.brainseg.worker.ModelVersions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Swapping under scans: nobody gets a freed model, and each old version is freed once its last scan ends. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelHolderTest {
    Path dir;

    @BeforeAll
    void setUp(@TempDir Path tmp) throws Exception {
        dir = ModelVersions.untrained(tmp.resolve("1"), 1, 2, 8, 6.0, 3);
    }

    private ServingModel load(int version) throws Exception {
        return new ServingModel(Segmenter.load(dir, EngineSettings.of(DeviceChoice.CPU, 1)), version,
                ModelRef.nativeVersion("m", version));
    }

    private static boolean closed(ServingModel m) {
        return ((Segmenter) m.segmenter()).model().isClosed();
    }

    @Test
    void shouldKeepTheOldVersionUntilItsLastScanEnds() throws Exception {
        try (ModelHolder h = new ModelHolder()) {
            assertThat(h.acquire()).isNull();
            ServingModel v1 = load(1);
            h.swap(v1);
            ServingModel scanA = h.acquire();
            ServingModel scanB = h.acquire();
            ServingModel v2 = load(2);
            h.swap(v2);
            assertThat(h.version()).isEqualTo(2);
            assertThat(scanA).isSameAs(v1);
            assertThat(closed(v1)).isFalse();
            assertThat(h.acquire()).isSameAs(v2); // a scan starting now gets the new version
            v2.release();
            scanA.release();
            assertThat(closed(v1)).isFalse();
            scanB.release();
            assertThat(closed(v1)).isTrue();
            assertThat(closed(v2)).isFalse();
        }
    }

    @Test
    void shouldNeverHandOutAFreedModelWhileSwappingUnderLoad() throws Exception {
        int before = ModelVersions.liveNdArrays();
        ModelHolder h = new ModelHolder();
        h.swap(load(1));
        AtomicBoolean go = new AtomicBoolean(true);
        ExecutorService scans = Executors.newFixedThreadPool(4);
        List<Future<Integer>> results = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            results.add(scans.submit(() -> {
                int n = 0;
                int last = 0;
                while (go.get()) {
                    ServingModel m = h.acquire();
                    assertThat(closed(m)).isFalse();
                    assertThat(m.version()).isGreaterThanOrEqualTo(last); // versions only go forward here
                    last = m.version();
                    Thread.onSpinWait();
                    assertThat(closed(m)).isFalse();
                    m.release();
                    n++;
                }
                return n;
            }));
        }
        List<ServingModel> all = new ArrayList<>();
        for (int v = 2; v <= 16; v++) {
            ServingModel m = load(v);
            all.add(m);
            h.swap(m);
        }
        go.set(false);
        scans.shutdown();
        assertThat(scans.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
        for (Future<Integer> f : results) {
            assertThat(f.get()).isPositive();
        }
        assertThat(all.subList(0, all.size() - 1)).allMatch(ModelHolderTest::closed);
        assertThat(closed(all.get(all.size() - 1))).isFalse();
        h.close();
        assertThat(all).allMatch(ModelHolderTest::closed);
        assertThat(ModelVersions.liveNdArrays()).isEqualTo(before);
    }
}
