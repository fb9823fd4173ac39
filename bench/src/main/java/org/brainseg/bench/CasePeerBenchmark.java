package org.brainseg.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.CaseLoader;
import org.brainseg.imaging.dataset.LoadedCase;
import org.brainseg.imaging.preprocess.PreprocessedCase;
import org.brainseg.imaging.preprocess.Preprocessor;
import org.brainseg.model.artifact.ModelArtifact;
import org.brainseg.model.artifact.ModelManifest;
import org.brainseg.model.engine.EngineSettings;
import org.brainseg.model.infer.Segmenter;

/**
 * Whole-case inference, ours against a PyTorch user's on the same weights and the same preprocessed
 * case ({@code bench/torch_case_peer.py}): our sliding window (Gaussian blend, half overlap, optional
 * 8-flip TTA) then the argmax, against the peer's written with MONAI's {@code sliding_window_inference}
 * semantics. Preprocessing is brainseg's and done once; both sides start from the same float32
 * channels. Rounds alternate which side goes first; the labels of the last round are compared voxel
 * by voxel.
 */
public final class CasePeerBenchmark {
    /** Times (ms) of each side's rounds and the voxel agreement of their label maps. */
    public record Result(int[] grid, double[] oursMs, double[] peerMs, double agreement, String peerTorch) {}

    private final Path modelDir;
    private final EngineSettings settings;
    private final int threads;
    private final int windowBatch;

    public CasePeerBenchmark(Path modelDir, EngineSettings settings, int threads, int windowBatch) {
        this.modelDir = modelDir;
        this.settings = settings;
        this.threads = threads;
        this.windowBatch = windowBatch;
    }

    /**
     * @param params the model's parameters as tensor records ({@code BenchExportCommand.records})
     * @param work a scratch folder for the case's channels and the peer's labels
     */
    public Result run(TorchPeer peer, Case scan, byte[] params, Path work, boolean tta, int rounds, int warmup,
            Consumer<String> progress) throws IOException {
        ModelManifest manifest = ModelArtifact.readManifest(modelDir);
        LoadedCase c = new CaseLoader().load(scan);
        PreprocessedCase p = new Preprocessor(manifest.preprocessing()).apply(scan.id(), c.channels(), null);
        Path input = work.resolve("channels.f32");
        Path paramsFile = Files.write(work.resolve("params.tensors"), params);
        writeChannels(p.channels(), input);
        int n = p.nx() * p.ny() * p.nz();
        var load = TorchPeer.request("load").put("params", paramsFile.toString())
                .put("model_json", modelDir.resolve(ModelManifest.FILE_NAME).toString()).put("input", input.toString())
                .put("batch", windowBatch).put("threads", threads);
        load.putArray("shape").add(p.channels().length).add(p.nz()).add(p.ny()).add(p.nx());
        String torch = peer.call(load).path("torch").asText();
        Path peerLabels = work.resolve("peer-labels.u8");
        double[] ours = new double[rounds];
        double[] theirs = new double[rounds];
        byte[] ourLabels = null;
        try (Segmenter segmenter = new Segmenter(ModelArtifact.load(modelDir, settings), windowBatch)) {
            for (int i = 0; i < warmup; i++) {
                labels(segmenter.predictProbabilities(p, tta), n);
                peer.call(TorchPeer.request("run").put("tta", tta));
            }
            for (int r = 0; r < rounds; r++) {
                boolean last = r == rounds - 1;
                var run = TorchPeer.request("run").put("tta", tta);
                if (last) {
                    run.put("labels", peerLabels.toString());
                }
                if (r % 2 == 1) {
                    theirs[r] = peer.call(run).path("ms").asDouble();
                }
                long t0 = System.nanoTime();
                byte[] l = labels(segmenter.predictProbabilities(p, tta), n);
                ours[r] = (System.nanoTime() - t0) / 1e6;
                if (r % 2 == 0) {
                    theirs[r] = peer.call(run).path("ms").asDouble();
                }
                ourLabels = l;
                progress.accept(String.format(java.util.Locale.ROOT, "%.0f vs %.0f ms", ours[r], theirs[r]));
            }
        }
        byte[] peerOut = Files.readAllBytes(peerLabels);
        if (peerOut.length != n) {
            throw new IOException("the peer wrote " + peerOut.length + " labels for " + n + " voxels");
        }
        long same = 0;
        for (int i = 0; i < n; i++) {
            same += peerOut[i] == ourLabels[i] ? 1 : 0;
        }
        return new Result(new int[] {p.nx(), p.ny(), p.nz()}, ours, theirs, (double) same / n, torch);
    }

    /** The argmax over classes, per voxel (what the mask is made of). */
    static byte[] labels(float[][] probs, int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int k = 1; k < probs.length; k++) {
                if (probs[k][i] > probs[best][i]) {
                    best = k;
                }
            }
            out[i] = (byte) best;
        }
        return out;
    }

    /** The channels as little-endian float32, channel after channel, x fastest. */
    private static void writeChannels(Volume[] channels, Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (Volume v : channels) {
                float[] d = v.data();
                ByteBuffer b = ByteBuffer.allocate(4 * d.length).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(d);
                ch.write(b);
            }
        }
    }
}
