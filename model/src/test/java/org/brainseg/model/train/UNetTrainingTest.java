package org.brainseg.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.brainseg.imaging.preprocess.PreprocessOptions;
import org.brainseg.imaging.preprocess.PreprocessedCase;
import org.brainseg.model.Phantoms;
import org.brainseg.model.artifact.LoadedModel;
import org.brainseg.model.artifact.ModelArtifact;
import org.brainseg.model.engine.DeviceChoice;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.model.infer.Segmentation;
import org.brainseg.model.infer.Segmenter;
import org.brainseg.schemas.Normalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.brainseg.schemas.RegionValues;

class UNetTrainingTest {
    private static final EngineSettings ENGINE = EngineSettings.of(DeviceChoice.CPU, 1);

    @TempDir
    Path tmp;

    private static TrainingConfig.Builder tiny() {
        return TrainingConfig.builder().depth(3).baseWidth(8).patch(32).batch(2).learningRate(3e-3f)
                .preprocessing(PreprocessOptions.onScanGrid());
    }

    @Test
    void shouldLowerTheLossAndReachANonTrivialDiceOnPhantoms() throws Exception {
        List<PreprocessedCase> cases = Phantoms.preprocessed(8, 32, 100);
        TrainingConfig config = tiny().epochs(6).stepsPerEpoch(20).normalization(Normalization.LAYER).build();
        List<Double> losses = new ArrayList<>();
        long t0 = System.nanoTime();
        TrainingResult r = new UNetTraining(config, ENGINE).fit(cases.subList(0, 6), cases.subList(6, 8), tmp.resolve("m"),
                new TrainingListener() {
                    @Override
                    public void onStep(StepProgress p) {
                        losses.add(p.loss());
                    }
                });
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.err.printf("training: %.1f s, %.3f s/step, losses first %.3f last %.3f, best %s%n", seconds,
                r.meanStepSeconds(), losses.get(0), losses.get(losses.size() - 1), r.best());
        double first = losses.subList(0, 10).stream().mapToDouble(d -> d).average().orElseThrow();
        double last = losses.subList(losses.size() - 10, losses.size()).stream().mapToDouble(d -> d).average().orElseThrow();
        assertThat(last).isLessThan(0.6 * first);
        assertThat(r.best().valDice().wt()).isGreaterThan(0.5);
        assertThat(r.history()).hasSize(6);
        assertThat(Files.readAllLines(tmp.resolve("m").resolve(UNetTraining.CSV_FILE))).hasSize(7)
                .first().isEqualTo(EpochCsv.HEADER);
        try (LoadedModel m = ModelArtifact.load(tmp.resolve("m"), ai.djl.Device.cpu())) {
            assertThat(m.manifest().metrics().get("dice_WT")).isEqualTo(r.best().valDice().wt());
            assertThat(m.manifest().trainingDataHash()).isEqualTo(TrainingData.hash(cases));
            // Scoring the kept checkpoint afterwards (as experiment does for its test cases) is validation's computation.
            List<CaseDice> rescored = UNetTraining.score(m, config.windowBatch(), cases.subList(6, 8));
            assertThat(rescored).hasSameSizeAs(r.best().perCase());
            for (int i = 0; i < rescored.size(); i++) {
                assertThat(rescored.get(i).caseId()).isEqualTo(r.best().perCase().get(i).caseId());
                for (var k : RegionValues.KEYS) {
                    assertThat(rescored.get(i).dice().byKey().get(k)).as(k)
                            .isCloseTo(r.best().perCase().get(i).dice().byKey().get(k), within(1e-6));
                }
            }
        }
        // End to end: a new raw scan, segmented in its own geometry by the saved model.
        Phantoms.Scan scan = Phantoms.scan("unseen", 36, 1.0, 999, 0.1);
        try (Segmenter s = Segmenter.load(tmp.resolve("m"), ENGINE)) {
            Segmentation seg = s.segment(scan.id(), scan.channels(), false);
            assertThat(seg.mask().shape()).containsExactly(36, 36, 36);
            assertThat(seg.mask().affine()).isEqualTo(scan.labels().affine());
            assertThat(DiceScore.of(seg.mask().data(), scan.labels().data()).wt()).isGreaterThan(0.5);
        }
    }

    @Test
    void shouldRepeatTheLossSequenceAndKeepNativeMemoryFlat() throws Exception {
        List<PreprocessedCase> cases = Phantoms.preprocessed(3, 24, 7);
        TrainingConfig config = tiny().baseWidth(4).patch(16).epochs(3).stepsPerEpoch(8).seed(5).build();
        List<Double> first = new ArrayList<>();
        List<Integer> live = new ArrayList<>();
        new UNetTraining(config, ENGINE).fit(cases.subList(0, 2), cases.subList(2, 3), tmp.resolve("a"), new TrainingListener() {
            @Override
            public void onStep(StepProgress p) {
                first.add(p.loss());
                live.add(p.liveNdArrays());
            }
        });
        List<Double> second = new ArrayList<>();
        new UNetTraining(config, ENGINE).fit(cases.subList(0, 2), cases.subList(2, 3), tmp.resolve("b"), new TrainingListener() {
            @Override
            public void onStep(StepProgress p) {
                second.add(p.loss());
            }
        });
        assertThat(first).hasSize(24).isEqualTo(second);
        // Adam allocates its state on the first step; from then on every step and validation frees what it made.
        assertThat(live.subList(1, live.size())).containsOnly(live.get(1));
        List<Double> other = new ArrayList<>();
        new UNetTraining(config.toBuilder().seed(6).build(), ENGINE).fit(cases.subList(0, 2), List.of(), tmp.resolve("c"),
                new TrainingListener() {
                    @Override
                    public void onStep(StepProgress p) {
                        other.add(p.loss());
                    }
                });
        assertThat(other).isNotEqualTo(first);
    }

    /**
     * The garbage collector must not change training. DJL's {@code NDArray.mul(Number)} used to put
     * the number in a Java buffer that autograd did not keep alive: a collection between forward and
     * backward freed it and backward scaled the gradient by garbage (seen once in CI). A thread that
     * collects without pause makes that near certain within a few steps; see {@code Scalars}.
     */
    @ParameterizedTest
    @EnumSource(Normalization.class)
    void shouldTrainTheSameWhileTheGarbageCollectorRuns(Normalization n) throws Exception {
        List<PreprocessedCase> cases = Phantoms.preprocessed(2, 24, 7);
        TrainingConfig config = tiny().baseWidth(4).patch(16).epochs(1).stepsPerEpoch(10).seed(5).normalization(n).build();
        List<Double> quiet = losses(config, cases, tmp.resolve("quiet"));
        Thread collector = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                System.gc();
                LockSupport.parkNanos(100_000);
            }
        }, "gc-pressure");
        collector.setDaemon(true);
        collector.start();
        List<Double> collected;
        try {
            collected = losses(config, cases, tmp.resolve("collected"));
        } finally {
            collector.interrupt();
            collector.join();
        }
        assertThat(collected).hasSize(10).isEqualTo(quiet);
    }

    private static List<Double> losses(TrainingConfig config, List<PreprocessedCase> cases, Path dir) throws Exception {
        List<Double> out = new ArrayList<>();
        new UNetTraining(config, ENGINE).fit(cases, List.of(), dir, new TrainingListener() {
            @Override
            public void onStep(StepProgress p) {
                out.add(p.loss());
            }
        });
        return out;
    }

    @Test
    void shouldStartFromAnotherModelsWeightsWhenFineTuning() throws Exception {
        List<PreprocessedCase> cases = Phantoms.preprocessed(2, 24, 11);
        TrainingConfig config = tiny().baseWidth(4).patch(16).epochs(1).stepsPerEpoch(4).seed(5).build();
        new UNetTraining(config, ENGINE).fit(cases, List.of(), tmp.resolve("base"), TrainingListener.NONE);
        // one step at a vanishing rate from the base model keeps its weights; a fresh start (other seed) does not
        TrainingConfig still = config.toBuilder().learningRate(1e-12f).stepsPerEpoch(1).seed(6).build();
        new UNetTraining(still, ENGINE).startingFrom(tmp.resolve("base")).fit(cases, List.of(), tmp.resolve("tuned"),
                TrainingListener.NONE);
        new UNetTraining(still, ENGINE).fit(cases, List.of(), tmp.resolve("fresh"), TrainingListener.NONE);
        try (LoadedModel base = ModelArtifact.load(tmp.resolve("base"), ENGINE);
                LoadedModel tuned = ModelArtifact.load(tmp.resolve("tuned"), ENGINE);
                LoadedModel fresh = ModelArtifact.load(tmp.resolve("fresh"), ENGINE)) {
            assertThat(maxDifference(base, tuned)).isLessThan(1e-6);
            assertThat(maxDifference(base, fresh)).isGreaterThan(1e-2);
            assertThat(tuned.manifest().training()).containsEntry("startedFrom", tmp.resolve("base").toString());
        }
        // another architecture or preprocessing cannot be the start
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new UNetTraining(still.toBuilder().baseWidth(8).build(), ENGINE)
                .startingFrom(tmp.resolve("base")).fit(cases, List.of(), tmp.resolve("wide"), TrainingListener.NONE))
                .isInstanceOf(org.brainseg.model.artifact.ModelArtifactException.class)
                .hasMessageContaining("cannot start a depth 3, base width 8");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new UNetTraining(still.toBuilder()
                .preprocessing(PreprocessOptions.isotropic(3.0)).build(), ENGINE)
                .startingFrom(tmp.resolve("base")).fit(cases, List.of(), tmp.resolve("coarse"), TrainingListener.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("preprocessed as");
    }

    private static double maxDifference(LoadedModel a, LoadedModel b) {
        double max = 0;
        var pa = a.net().getParameters();
        var pb = b.net().getParameters();
        for (int i = 0; i < pa.size(); i++) {
            float[] x = pa.get(i).getValue().getArray().toFloatArray();
            float[] y = pb.get(i).getValue().getArray().toFloatArray();
            for (int k = 0; k < x.length; k++) {
                max = Math.max(max, Math.abs(x[k] - y[k]));
            }
        }
        return max;
    }

    @Test
    void shouldSplitTheSameWayForTheSameSeed() {
        List<String> ids = List.of("e", "a", "d", "c", "b", "f", "g", "h", "i", "j");
        DataSplit s = DataSplit.of(ids, 0.2, 1);
        assertThat(s.validation()).hasSize(2);
        assertThat(s.train()).hasSize(8).doesNotContainAnyElementsOf(s.validation());
        assertThat(DataSplit.of(List.of("j", "i", "h", "g", "f", "e", "d", "c", "b", "a"), 0.2, 1)).isEqualTo(s);
        assertThat(DataSplit.of(List.of("a", "b"), 0.1, 1).validation()).hasSize(1);
        assertThat(DataSplit.of(List.of("a"), 0.5, 1).validation()).isEmpty();
    }

    @Test
    void shouldRejectPatchSizesTheNetworkCannotTake() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> tiny().depth(3).patch(30).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("patch 30")
                .hasMessageContaining("divisible by 2^(depth-1) = 4");
    }
}
