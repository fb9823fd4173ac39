package org.brainseg.cli.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * An external checker (promtool, kustomize or kubectl) found on the PATH. Tests needing one are
 * skipped when it is missing, except in CI (CI set), where .ci/run installs it and its absence fails.
 */
record Tool(Path binary) {
    /** What a run printed and returned. */
    record Result(int code, String output) {}

    static Optional<Tool> find(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(new Tool(p));
            }
        }
        return Optional.empty();
    }

    /** The tool, or the test is skipped (outside CI) or failed (in CI). */
    static Tool require(Optional<Tool> tool, String what, String debianPackage) {
        if (System.getenv("CI") != null) {
            assertThat(tool).as("CI must install %s (Debian package %s, see .ci/run)", what, debianPackage).isPresent();
        }
        assumeTrue(tool.isPresent(), what + " is not installed (Debian package " + debianPackage + ")");
        return tool.get();
    }

    Result run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary.toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(Repo.root().toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s finished", cmd).isTrue();
        return new Result(p.exitValue(), out);
    }

    /** Runs and asserts exit code 0, showing the output otherwise. */
    String check(String... args) throws IOException, InterruptedException {
        Result r = run(args);
        assertThat(r.code()).as("%s %s:%n%s", binary.getFileName(), String.join(" ", args), r.output()).isZero();
        return r.output();
    }
}
