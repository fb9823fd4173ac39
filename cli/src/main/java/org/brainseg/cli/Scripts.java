package org.brainseg.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository's helper scripts (bench/*.py) from the working directory or any directory above it. */
final class Scripts {
    private Scripts() {}

    static Path find(String relative) {
        for (Path base = Path.of("").toAbsolutePath(); base != null; base = base.getParent()) {
            Path s = base.resolve(relative);
            if (Files.isRegularFile(s)) {
                return s;
            }
        }
        throw new BadInputException(relative + " not found: run from the brainseg repository");
    }
}
