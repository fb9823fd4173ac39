package org.brainseg.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.function.Consumer;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.CaseLoader;
import org.brainseg.imaging.dataset.LoadedCase;
import org.brainseg.imaging.preprocess.PreprocessedCase;
import org.brainseg.imaging.preprocess.Preprocessor;
import org.brainseg.model.artifact.ModelManifest;
import org.brainseg.model.infer.Segmenter;

/**
 * Whole-case inference, ours against a PyTorch user's on the same weights and the same preprocessed
 * case ({@code bench/torch_case_peer.py}): our sliding window (Gaussian blend, half overlap, optional
 * 8-flip TTA) then the argmax, against the peer's written with MONAI's {@code sliding_window_inference}
 * semantics. Preprocessing is brainseg's and done once per case; both sides start from the same float32
 * channels. Rounds alternate which side goes first; the labels of the last round are compared voxel
 * by voxel.
 */
public final class CasePeerBenchmark {
    /** Times (ms) of each side's rounds and the voxel agreement of their label maps. */
    public record Result(int[] grid, double[] oursMs, double[] peerMs, double agreement, String peerTorch) {}

    private final TorchPeer peer;
    private final Segmenter segmenter;
    private final PreprocessedCase p;
    private final Path peerLabels;
    private final String peerTorch;

    /**
     * Loads and preprocesses {@code scan} once, as the model was trained, writes its channels for the
     * peer and has the peer load them with the model's weights; {@link #run} may then be called for
     * each TTA setting.
     *
     * @param segmenter ours, loaded from {@code modelDir}
     * @param params the model's parameters as tensor records ({@code BenchExportCommand.records}), for the peer
     * @param work a scratch folder for the case's channels and the peer's labels
     */
    public CasePeerBenchmark(TorchPeer peer, Segmenter segmenter, Path modelDir, Path params, int threads, int windowBatch,
            Case scan, Path work) throws IOException {
        this.peer = peer;
        this.segmenter = segmenter;
        LoadedCase c = new CaseLoader().load(scan);
        p = new Preprocessor(segmenter.manifest().preprocessing()).apply(scan.id(), c.channels(), null);
        Path input = work.resolve("channels.f32");
        writeChannels(p.channels(), input);
        var load = TorchPeer.request("load").put("params", params.toString())
                .put("model_json", modelDir.resolve(ModelManifest.FILE_NAME).toString()).put("input", input.toString())
                .put("batch", windowBatch).put("threads", threads);
        load.putArray("shape").add(p.channels().length).add(p.nz()).add(p.ny()).add(p.nx());
        peerTorch = peer.call(load).path("torch").asText();
        peerLabels = work.resolve("peer-labels.u8");
    }

    /** {@code warmup} unmeasured cases each side, then {@code rounds} alternating ones; the last round's labels compared. */
    public Result run(boolean tta, int rounds, int warmup, Consumer<String> progress) throws IOException {
        int n = p.nx() * p.ny() * p.nz();
        double[] ours = new double[rounds];
        double[] theirs = new double[rounds];
        byte[] ourLabels = null;
        for (int i = 0; i < warmup; i++) {
            labels(segmenter.predictProbabilities(p, tta), n);
            peer.call(TorchPeer.request("run").put("tta", tta));
        }
        for (int r = 0; r < rounds; r++) {
            var run = TorchPeer.request("run").put("tta", tta);
            if (r == rounds - 1) {
                run.put("labels", peerLabels.toString());
            }
            if (r % 2 == 1) {
                theirs[r] = peer.call(run).path("ms").asDouble();
            }
            long t0 = System.nanoTime();
            ourLabels = labels(segmenter.predictProbabilities(p, tta), n);
            ours[r] = (System.nanoTime() - t0) / 1e6;
            if (r % 2 == 0) {
                theirs[r] = peer.call(run).path("ms").asDouble();
            }
            progress.accept(String.format(Locale.ROOT, "%.0f vs %.0f ms", ours[r], theirs[r]));
        }
        byte[] peerOut = Files.readAllBytes(peerLabels);
        if (peerOut.length != n) {
            throw new IOException("the peer wrote " + peerOut.length + " labels for " + n + " voxels");
        }
        long same = 0;
        for (int i = 0; i < n; i++) {
            same += peerOut[i] == ourLabels[i] ? 1 : 0;
        }
        return new Result(new int[] {p.nx(), p.ny(), p.nz()}, ours, theirs, (double) same / n, peerTorch);
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
