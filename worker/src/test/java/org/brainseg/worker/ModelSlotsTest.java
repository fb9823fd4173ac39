package org.brainseg.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.model.TinyModels;
import org.brainseg.model.engine.DeviceChoice;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.model.infer.Segmenter;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.ModelRef;
import org.brainseg.schemas.ScanArrived;
import org.brainseg.schemas.ScanFailed;
import org.brainseg.schemas.SegmentationCompleted;
import org.brainseg.service.store.LocalFileStore;
import org.brainseg.worker.config.WorkerConfig;
import org.brainseg.worker.model.ModelHolder;
import org.brainseg.worker.model.ServingModel;
import org.brainseg.worker.pipeline.Outcome;
import org.brainseg.worker.pipeline.ScanProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * More scans are processed at once than are in the model: with one model slot and four threads,
 * every scan is segmented, each took the slot once, and never two were in the model together.
 */
class ModelSlotsTest {
    @TempDir
    Path tmp;

    /** A semaphore that counts its holders. */
    static final class CountingSemaphore extends Semaphore {
        private static final long serialVersionUID = 1L;
        final AtomicInteger holders = new AtomicInteger();
        final AtomicInteger maxHolders = new AtomicInteger();
        final AtomicInteger acquisitions = new AtomicInteger();

        CountingSemaphore(int permits) {
            super(permits);
        }

        @Override
        public void acquire() throws InterruptedException {
            super.acquire();
            acquisitions.incrementAndGet();
            maxHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
        }

        @Override
        public void release() {
            holders.decrementAndGet();
            super.release();
        }
    }

    @Test
    void shouldNeverPutMoreScansInTheModelThanItHasSlots() throws Exception {
        Path scans = Files.createDirectories(tmp.resolve("scans"));
        Path out = Files.createDirectories(tmp.resolve("out"));
        List<Case> cases = Fixtures.cohort(scans, 4, 23, 6.0);
        Path modelDir = TinyModels.train(cases, tmp.resolve("models"), 1, 1, 6.0);
        CountingSemaphore slots = new CountingSemaphore(1);
        EventCodec codec = new EventCodec();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (ModelHolder models = new ModelHolder()) {
            models.swap(new ServingModel(Segmenter.load(modelDir, EngineSettings.of(DeviceChoice.CPU, 1)), 1,
                    ModelRef.nativeVersion("m", 1)));
            ScanProcessor processor = new ScanProcessor(new LocalFileStore(List.of(scans), out), models, codec,
                    new WorkerConfig.Retry(1, 1, 1), false, Clock.systemUTC(), slots);
            List<Future<Outcome>> outcomes = new ArrayList<>();
            for (int i = 0; i < cases.size(); i++) {
                Case c = cases.get(i);
                ScanArrived event = new ScanArrived(UUID.randomUUID(), "slots-" + i, null, Clock.systemUTC().instant(),
                        new ScanArrived.Modalities(c.modalities().get(Modality.T1).toUri(), c.modalities().get(Modality.T1CE).toUri(),
                                c.modalities().get(Modality.T2).toUri(), c.modalities().get(Modality.FLAIR).toUri()),
                        null, c.label().toUri(), c.convention(), Map.of());
                ScanFailed.Source source = new ScanFailed.Source("brainseg.scans.arrived", 0, i);
                byte[] value = codec.encode(event);
                outcomes.add(pool.submit(() -> processor.process(source, value, 0)));
            }
            for (Future<Outcome> f : outcomes) {
                Outcome o = f.get();
                assertThat(o.error()).isNull();
                assertThat(o.events()).hasAtLeastOneElementOfType(SegmentationCompleted.class);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(slots.acquisitions.get()).as("each scan took the model slot once").isEqualTo(4);
        assertThat(slots.maxHolders.get()).as("scans in the model at once").isEqualTo(1);
        assertThat(slots.availablePermits()).as("every slot given back").isEqualTo(1);
    }
}
