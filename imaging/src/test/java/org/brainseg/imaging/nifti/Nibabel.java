package org.brainseg.imaging.nifti;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

/**
 * Runs Debian's nibabel (an independent NIfTI implementation) on a file and returns what it
 * sees. Tests using it are skipped only outside CI when nibabel is missing; in CI its absence fails.
 */
public final class Nibabel {
    private static final String PYTHON = "/usr/bin/python3";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Boolean available;

    private Nibabel() {}

    public static synchronized boolean available() {
        if (available == null) {
            try {
                Process p = new ProcessBuilder(PYTHON, "-c", "import nibabel").redirectErrorStream(true).start();
                available = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException | InterruptedException e) {
                available = false;
            }
        }
        return available;
    }

    /** Skips the test when nibabel is absent, except in CI (CI=true), where that is a failure. */
    public static void require() {
        if (System.getenv("CI") != null) {
            assertThat(available()).as("CI must install python3-nibabel (see .ci/run)").isTrue();
        }
        assumeTrue(available(), "Debian python3-nibabel is not installed");
    }

    /** nibabel's view of a file: shape, dtype, affine, codes, zooms, units and voxel data. */
    public static JsonNode dump(Path file) throws IOException, InterruptedException {
        Path script = Paths.get("src/test/python/nibabel_dump.py").toAbsolutePath();
        Process p = new ProcessBuilder(PYTHON, script.toString(), file.toString()).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("nibabel failed: %s", err).isZero();
        return JSON.readTree(out);
    }

    static Path resource(String name) {
        Path p = Paths.get("src/test/resources/nifti", name);
        assertThat(Files.exists(p)).as("fixture %s", p).isTrue();
        return p;
    }
}
