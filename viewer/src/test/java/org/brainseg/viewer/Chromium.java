package org.brainseg.viewer;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Headless Chromium (Debian's {@code chromium}) as the tests drive it: one fresh profile per call,
 * no network beyond the page's own server, a fixed window and scale so that page pixels are
 * screenshot pixels, and virtual time so that the page's fetches finish before the capture.
 * Missing Chromium skips the test with a message, except under {@code CI} where it fails.
 */
final class Chromium {
    private static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome");
    final Path binary;

    private Chromium(Path binary) {
        this.binary = binary;
    }

    static Optional<Path> find() {
        String explicit = System.getenv("BRAINSEG_CHROMIUM");
        if (explicit != null && !explicit.isBlank()) {
            return Optional.of(Path.of(explicit));
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String n : NAMES) {
                Path p = Path.of(dir, n);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /** Chromium, or the test is skipped (no CI) or failed (CI set). */
    static Chromium require() {
        Optional<Path> p = find();
        if (p.isEmpty()) {
            String msg = "no Chromium on the PATH (chromium, chromium-browser, google-chrome; or BRAINSEG_CHROMIUM): "
                    + "apt-get install chromium to run the browser tests";
            if (System.getenv("CI") != null) {
                fail(msg + " (CI is set, so this is a failure, not a skip)");
            }
            Assumptions.abort(msg);
        }
        return new Chromium(p.get());
    }

    /** The page's DOM after its scripts ran. */
    String dom(String url, int width, int height) throws Exception {
        return new String(run(url, width, height, List.of("--dump-dom")), StandardCharsets.UTF_8);
    }

    /** A PNG of the page as a {@code width} x {@code height} window shows it. */
    Path screenshot(String url, int width, int height, Path png) throws Exception {
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.deleteIfExists(png);
        run(url, width, height, List.of("--screenshot=" + png.toAbsolutePath()));
        if (!Files.isRegularFile(png)) {
            throw new AssertionError("chromium wrote no screenshot of " + url);
        }
        return png;
    }

    private byte[] run(String url, int width, int height, List<String> what) throws Exception {
        Path profile = Files.createTempDirectory("brainseg-chromium-");
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--hide-scrollbars", "--force-device-scale-factor=1",
                "--virtual-time-budget=20000", "--user-data-dir=" + profile, "--window-size=" + width + "," + height));
        cmd.addAll(what);
        cmd.add(url);
        Path out = profile.resolve("stdout");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(profile.resolve("stderr").toFile()).start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                throw new AssertionError("chromium did not finish within 120 s on " + url);
            }
            if (p.exitValue() != 0) {
                throw new AssertionError("chromium exited with " + p.exitValue() + " on " + url + ": "
                        + Files.readString(profile.resolve("stderr")));
            }
            return Files.readAllBytes(out);
        } finally {
            p.destroyForcibly();
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (Exception e) {
            // a temp profile left behind is harmless
        }
    }
}
