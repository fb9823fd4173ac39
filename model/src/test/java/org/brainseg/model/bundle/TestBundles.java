package org.brainseg.model.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.brainseg.model.net.TorchReference;

/**
 * Runs {@code bundle_tool.py} (test resources) with Debian's PyTorch: makes small traced networks
 * in the MONAI bundle layout and runs their PyTorch reference inference. Shared by the model,
 * worker and CLI tests; callers skip when {@link TorchReference#available()} is false.
 */
public final class TestBundles {
    private TestBundles() {}

    /**
     * A bundle at {@code dir}: inputs T1c, T1, T2, FLAIR, outputs TC, WT, ET as sigmoids.
     *
     * @param roi window size "x,y,z"
     * @param blend gaussian or constant
     * @param kind good, nan (outputs NaN) or rank4 (drops an axis)
     */
    public static Path make(Path dir, String roi, String blend, String kind) throws IOException, InterruptedException {
        run(dir.getParent(), "make", dir.toString(), roi, blend, kind);
        return dir;
    }

    /** A good 32x32x16 Gaussian-blend bundle at {@code dir}. */
    public static Path make(Path dir) throws IOException, InterruptedException {
        return make(dir, "32,32,16", "gaussian", "good");
    }

    /** {@code bundle_tool.py ARGS}, the script copied into {@code work} first; fails with the tool's output. */
    public static void run(Path work, String... args) throws IOException, InterruptedException {
        Files.createDirectories(work);
        Path script = work.resolve("bundle_tool.py");
        if (!Files.exists(script)) {
            try (InputStream in = TestBundles.class.getResourceAsStream("/bundle/bundle_tool.py")) {
                Files.write(script, in.readAllBytes());
            }
        }
        String[] cmd = new String[args.length + 2];
        cmd[0] = TorchReference.PYTHON.toString();
        cmd[1] = script.toString();
        System.arraycopy(args, 0, cmd, 2, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("bundle_tool.py " + String.join(" ", args) + " failed: " + log);
        }
    }
}
