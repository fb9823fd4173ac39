package org.brainseg.worker;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.model.TinyModels;
import org.brainseg.model.engine.DeviceChoice;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.model.infer.Segmenter;
import org.brainseg.schemas.ErrorCode;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.ModelRef;
import org.brainseg.schemas.ScanArrived;
import org.brainseg.schemas.ScanFailed;
import org.brainseg.service.store.LocalFileStore;
import org.brainseg.worker.config.WorkerConfig;
import org.brainseg.worker.model.ModelHolder;
import org.brainseg.worker.model.ServingModel;
import org.brainseg.worker.pipeline.Outcome;
import org.brainseg.worker.pipeline.ScanProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model that gives NaN probabilities: the scan fails with NUMERIC_ERROR and no mask is written. */
class NumericErrorTest {
    @TempDir
    Path tmp;

    @Test
    void shouldFailTheScanWithNumericErrorAndWriteNoMaskWhenTheModelGivesNaN() throws Exception {
        Path scans = Files.createDirectories(tmp.resolve("scans"));
        Path out = Files.createDirectories(tmp.resolve("out"));
        List<Case> cases = Fixtures.cohort(scans, 1, 21, 6.0);
        Path modelDir = TinyModels.train(cases, tmp.resolve("models"), 1, 1, 6.0);
        Segmenter segmenter = Segmenter.load(modelDir, EngineSettings.of(DeviceChoice.CPU, 1));
        NDArray headBias = segmenter.model().net().getParameters().stream().filter(p -> p.getKey().endsWith("head_bias"))
                .findFirst().orElseThrow().getValue().getArray();
        float[] nan = new float[(int) headBias.size()];
        Arrays.fill(nan, Float.NaN);
        headBias.set(FloatBuffer.wrap(nan));
        try (ModelHolder models = new ModelHolder()) {
            models.swap(new ServingModel(segmenter, 1, ModelRef.nativeVersion("m", 1)));
            EventCodec codec = new EventCodec();
            ScanProcessor processor = new ScanProcessor(new LocalFileStore(List.of(scans), out), models, codec,
                    new WorkerConfig.Retry(1, 1, 1), false, Clock.systemUTC());
            Case c = cases.get(0);
            ScanArrived event = new ScanArrived(UUID.randomUUID(), "nan-scan", null, Clock.systemUTC().instant(),
                    new ScanArrived.Modalities(c.modalities().get(Modality.T1).toUri(), c.modalities().get(Modality.T1CE).toUri(),
                            c.modalities().get(Modality.T2).toUri(), c.modalities().get(Modality.FLAIR).toUri()),
                    null, null, c.convention(), Map.of());
            Outcome o = processor.process(new ScanFailed.Source("brainseg.scans.arrived", 0, 7), codec.encode(event), 0);

            assertThat(o.error()).isEqualTo(ErrorCode.NUMERIC_ERROR);
            assertThat(o.events()).singleElement().isInstanceOfSatisfying(ScanFailed.class, f -> {
                assertThat(f.errorCode()).isEqualTo(ErrorCode.NUMERIC_ERROR);
                assertThat(f.scanId()).isEqualTo("nan-scan");
                assertThat(f.message()).contains("model v1").contains("non-finite class probabilities")
                        .contains("brainseg doctor");
            });
            try (Stream<Path> files = Files.walk(out)) {
                assertThat(files.filter(Files::isRegularFile)).as("no mask, no temp file").isEmpty();
            }
        }
    }
}
