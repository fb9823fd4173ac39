package org.brainseg.pacs;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The independent tools the PACS tests check against (Debian packages: orthanc, dcm2niix,
 * dicom3tools, python3-pydicom). Absent, a test is skipped with a message naming the package,
 * except where the environment variable CI is set: there a missing tool fails the test, since
 * {@code .ci/run} installs them.
 */
public final class Tools {
    public static final String PYTHON = "/usr/bin/python3";

    private Tools() {}

    /** The path of {@code exe} on the PATH (or as given when absolute), else skip or fail. */
    public static String require(String exe, String debianPackage) {
        Path found = find(exe);
        if (found == null) {
            String msg = exe + " not found: install the Debian package " + debianPackage + " to run this test";
            if (System.getenv("CI") != null) {
                fail(msg + " (CI is set: the PACS tests must run there)");
            }
            Assumptions.abort(msg + "; skipped because CI is not set");
        }
        return found.toString();
    }

    /** python3 with pydicom and numpy. */
    public static String requirePydicom() {
        String py = require(PYTHON, "python3");
        try {
            Result r = run(List.of(py, "-c", "import pydicom, numpy"), 60);
            if (r.code() != 0) {
                String msg = "pydicom or numpy missing for " + py + ": install python3-pydicom";
                if (System.getenv("CI") != null) {
                    fail(msg);
                }
                Assumptions.abort(msg + "; skipped because CI is not set");
            }
        } catch (IOException e) {
            fail(e);
        }
        return py;
    }

    static Path find(String exe) {
        if (exe.startsWith("/")) {
            return Files.isRegularFile(Path.of(exe)) ? Path.of(exe) : null; // an executable, or a plugin library
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            for (String d : List.of(dir, "/usr/sbin", "/sbin")) {
                Path p = Path.of(d, exe);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        return null;
    }

    /** Exit code and the output (stdout and stderr together). */
    public record Result(int code, String output) {}

    public static Result run(List<String> command, int timeoutSeconds) throws IOException {
        Path log = Files.createTempFile("brainseg-tool", ".log");
        try {
            Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(command.get(0) + " did not finish in " + timeoutSeconds + " s");
            }
            return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** Copies a test resource script to {@code dir}. */
    public static Path script(String name, Path dir) throws IOException {
        Path out = dir.resolve(name);
        try (var in = Tools.class.getResourceAsStream("/pacs/" + name)) {
            Files.copy(in, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return out;
    }
}
