package org.brainseg.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.CaseLoader;
import org.brainseg.imaging.dataset.LoadedCase;
import org.brainseg.imaging.nifti.NiftiDataType;
import org.brainseg.imaging.nifti.NiftiWriter;
import org.brainseg.model.artifact.ModelArtifact;
import org.brainseg.model.engine.DeviceChoice;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.model.infer.Segmentation;
import org.brainseg.model.infer.Segmenter;

/**
 * Whole-case latency, stage by stage, as {@code brainseg segment} and the worker run it: load
 * (read the four modality NIfTIs), preprocess, infer (sliding window), postprocess (back to the
 * scan's grid), write (the mask as uint8 .nii.gz). The same case every round; a warm-up round
 * first (JIT, PyTorch's allocator) is not counted.
 */
public final class InferBenchmark {
    /** Stages in the order they run; the last column of a round is their sum. */
    public static final List<String> STAGES = List.of("load", "preprocess", "infer", "postprocess", "write");

    /**
     * @param scan the case to segment (its label, if any, is not read)
     * @param modelDir model directory
     * @param tta 8-flip test-time augmentation
     * @param rounds measured rounds, 1..100
     * @param warmup unmeasured rounds first, 0..10
     * @param threads PyTorch intra-op threads (0: all cores)
     * @param outDir where the masks are written
     * @param device cpu, gpu or auto
     * @param windowBatch sliding windows per forward pass
     */
    public record Config(Case scan, Path modelDir, boolean tta, int rounds, int warmup, int threads, Path outDir,
            DeviceChoice device, int windowBatch) {
        public Config {
            check(rounds, warmup, threads);
            StepBenchmark.require(windowBatch >= 1 && windowBatch <= 64, "--window-batch must be 1..64, got " + windowBatch);
        }

        /** Checks the counts alone, before a case or model exists. */
        public static void check(int rounds, int warmup, int threads) {
            StepBenchmark.require(rounds >= 1 && rounds <= 100, "--rounds must be 1..100, got " + rounds);
            StepBenchmark.require(warmup >= 0 && warmup <= 10, "--warmup must be 0..10, got " + warmup);
            StepBenchmark.require(threads >= 0 && threads <= 256, "--threads must be 0..256, got " + threads);
        }
    }

    /**
     * @param seconds per measured round, the stages in {@link #STAGES} order then the total
     * @param scanShape the scan's grid
     * @param peakRssMb the process's peak resident set size
     * @param device where inference ran
     */
    public record Result(List<double[]> seconds, int[] scanShape, double peakRssMb, String device) {
        /** Median over rounds of column {@code c} (a stage index, or {@code STAGES.size()} for the total). */
        public double median(int c) {
            return Stats.median(seconds.stream().mapToDouble(r -> r[c]).toArray());
        }
    }

    private final Config config;

    public InferBenchmark(Config config) {
        this.config = config;
    }

    /** @param onRound called with the number of rounds done (warm-up included) after each */
    public Result run(IntConsumer onRound) throws IOException {
        CaseLoader loader = new CaseLoader();
        NiftiWriter writer = new NiftiWriter();
        Files.createDirectories(config.outDir());
        Path mask = config.outDir().resolve("mask.nii.gz");
        List<double[]> rounds = new ArrayList<>();
        int[] shape = null;
        String device;
        try (Segmenter segmenter = new Segmenter(ModelArtifact.load(config.modelDir(),
                EngineSettings.of(config.device(), config.threads())), config.windowBatch())) {
            device = segmenter.model().device().toString();
            for (int r = 0; r < config.warmup() + config.rounds(); r++) {
                long t0 = System.nanoTime();
                LoadedCase c = loader.load(config.scan());
                long t1 = System.nanoTime();
                Segmentation seg = segmenter.segment(c, config.tta());
                long t2 = System.nanoTime();
                writer.write(mask, seg.mask(config.scan().convention()), NiftiDataType.UINT8, c.reference());
                long t3 = System.nanoTime();
                if (r >= config.warmup()) {
                    double[] s = {(t1 - t0) / 1e9, seg.preprocessMs() / 1e3, seg.inferenceMs() / 1e3, seg.postprocessMs() / 1e3,
                        (t3 - t2) / 1e9, (t3 - t0) / 1e9};
                    rounds.add(s);
                }
                shape = new int[] {c.channels()[0].nx(), c.channels()[0].ny(), c.channels()[0].nz()};
                onRound.accept(r + 1);
            }
        }
        return new Result(rounds, shape, PeakRss.megabytes(), device);
    }

    /** The stage names and total, for headers and CSV columns. */
    public static List<String> columns() {
        List<String> c = new ArrayList<>(STAGES);
        c.add("total");
        return c;
    }
}
