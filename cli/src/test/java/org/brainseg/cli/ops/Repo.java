package org.brainseg.cli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The repository's deploy/ and monitoring/ files as the tests read them (tests run in cli/). */
final class Repo {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();

    private Repo() {}

    static Path root() {
        Path root = Path.of("").toAbsolutePath().getParent();
        assertThat(root.resolve("deploy")).as("repository root from %s", Path.of("").toAbsolutePath()).isDirectory();
        return root;
    }

    static Path file(String relative) {
        Path p = root().resolve(relative);
        assertThat(p).as("file the tests check").isRegularFile();
        return p;
    }

    /** Every YAML file under a repository folder. */
    static List<Path> yamlFiles(String folder) throws IOException {
        try (Stream<Path> s = Files.walk(root().resolve(folder))) {
            return s.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted().toList();
        }
    }

    /** All documents of a (multi-document) YAML file; parse errors propagate with line and column. */
    static List<JsonNode> yamlDocuments(Path file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (var it = YAML.readerFor(JsonNode.class).readValues(Files.readString(file))) {
            while (it.hasNext()) {
                JsonNode n = (JsonNode) it.next();
                if (n != null && !n.isNull() && !n.isMissingNode()) {
                    docs.add(n);
                }
            }
        }
        return docs;
    }

    static JsonNode yaml(String relative) throws IOException {
        List<JsonNode> docs = yamlDocuments(file(relative));
        assertThat(docs).as(relative).hasSize(1);
        return docs.get(0);
    }

    static JsonNode json(String relative) throws IOException {
        return JSON.readTree(file(relative).toFile());
    }
}
