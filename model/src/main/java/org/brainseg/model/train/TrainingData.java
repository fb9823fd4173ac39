package org.brainseg.model.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiConsumer;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.CaseLoader;
import org.brainseg.imaging.dataset.LoadedCase;
import org.brainseg.imaging.io.Sha256;
import org.brainseg.imaging.preprocess.PreprocessOptions;
import org.brainseg.imaging.preprocess.PreprocessedCase;
import org.brainseg.imaging.preprocess.Preprocessor;

/** Loading, preprocessing and fingerprinting of training cases. */
public final class TrainingData {
    private TrainingData() {}

    /**
     * Loads and preprocesses the labelled cases (unlabelled ones are skipped), in the order given.
     *
     * @param progress called with (done, total) after each case; may be null
     */
    public static List<PreprocessedCase> load(List<Case> cases, PreprocessOptions options,
            BiConsumer<Integer, Integer> progress) throws IOException {
        CaseLoader loader = new CaseLoader();
        Preprocessor pre = new Preprocessor(options);
        List<Case> labelled = cases.stream().filter(Case::hasLabel).toList();
        List<PreprocessedCase> out = new ArrayList<>(labelled.size());
        for (Case c : labelled) {
            LoadedCase lc = loader.load(c);
            out.add(pre.apply(lc.id(), lc.channels(), lc.labels()));
            if (progress != null) {
                progress.accept(out.size(), labelled.size());
            }
        }
        return out;
    }

    /**
     * sha256 over the cases sorted by id: id, grid, every voxel of every channel and the labels. Two
     * runs on the same data and preprocessing get the same hash.
     */
    public static String hash(List<PreprocessedCase> cases) {
        MessageDigest md = Sha256.digest();
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (PreprocessedCase c : cases.stream().sorted(Comparator.comparing(PreprocessedCase::id)).toList()) {
            md.update(c.id().getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            for (int s : new int[] {c.nx(), c.ny(), c.nz()}) {
                md.update(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(s).array());
            }
            for (Volume v : c.channels()) {
                feed(md, buf, v.data());
            }
            if (c.labels() != null) {
                feed(md, buf, c.labels().data());
            }
        }
        return Sha256.hex(md);
    }

    private static void feed(MessageDigest md, ByteBuffer buf, float[] data) {
        int i = 0;
        while (i < data.length) {
            buf.clear();
            int n = Math.min(data.length - i, buf.capacity() / 4);
            buf.asFloatBuffer().put(data, i, n);
            md.update(buf.array(), 0, n * 4);
            i += n;
        }
    }
}
