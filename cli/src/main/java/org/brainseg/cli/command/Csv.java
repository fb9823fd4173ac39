package org.brainseg.cli.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** Appends benchmark rows to a CSV file, writing the header first when the file is new or empty. */
public final class Csv {
    private Csv() {}

    public static void append(Path file, String header, String... rows) throws IOException {
        List<String> lines = new ArrayList<>();
        if (!Files.exists(file) || Files.size(file) == 0) {
            lines.add(header);
        }
        lines.addAll(List.of(rows));
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(file, lines, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
