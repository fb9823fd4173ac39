package org.brainseg.bench.command;

import java.nio.file.Files;
import java.nio.file.Path;
import org.brainseg.cli.command.BadInputException;

/**
 * Finds the benchmarks' helper scripts (bench/*.py): in the directory {@code ./bench/run} names
 * with {@code -Dbrainseg.bench.home}, else from the working directory or any directory above it.
 */
final class Scripts {
    /** Set by the launcher to its own directory, so the scripts are found from anywhere. */
    static final String HOME_PROPERTY = "brainseg.bench.home";

    private Scripts() {}

    /** @param relative the script's path in the repository, e.g. {@code bench/torch_peer.py} */
    static Path find(String relative) {
        String home = System.getProperty(HOME_PROPERTY);
        if (home != null) {
            Path s = Path.of(home).resolveSibling(relative);
            if (Files.isRegularFile(s)) {
                return s;
            }
        }
        for (Path base = Path.of("").toAbsolutePath(); base != null; base = base.getParent()) {
            Path s = base.resolve(relative);
            if (Files.isRegularFile(s)) {
                return s;
            }
        }
        throw new BadInputException(relative + " not found: run ./bench/run from the brainseg repository");
    }
}
