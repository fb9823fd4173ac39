package org.brainseg.cli.command;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.brainseg.viewer.config.ViewerConfig;
import org.brainseg.viewer.config.ViewerConfigLoader;
import org.brainseg.viewer.ViewerMain;
import org.brainseg.service.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code brainseg viewer}: runs {@link ViewerMain} with options over an optional YAML configuration. */
@Command(
        name = "viewer",
        mixinStandardHelpOptions = true,
        description = {
            "Serve the web viewer until stopped: the scan list (newest first, live), each scan's mask over its MRI in three",
            "planes, previews (/scans/<id>/preview.png), /metrics and /health/*. Follows brainseg.scans.arrived,",
            "brainseg.segmentations, brainseg.dice and brainseg.scans.failed (read_committed) from the beginning.",
            "Volumes are read only under the --root directories (the workers' input roots and output root).",
            "Every key is documented in deploy/viewer.example.yaml. Exit codes: 0 stopped, 2 bad input, 3 fatal error."
        })
public final class ViewerCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (default: kafka.bootstrapServers of --config, else localhost:9092).")
    String bootstrap;

    @Option(names = "--property", paramLabel = "KEY=VALUE",
            description = "Kafka client property, repeatable: security.protocol, ssl.*, sasl.*.")
    Map<String, String> properties = new LinkedHashMap<>();

    @Option(names = "--port", paramLabel = "PORT", description = "HTTP port (default: http.port of --config, else 8090).")
    Integer port;

    @Option(names = "--root", paramLabel = "DIR",
            description = "Directory volumes and masks may be read from, repeatable (default: store.roots of --config).")
    List<Path> roots = new ArrayList<>();

    @Option(names = "--config", paramLabel = "FILE", description = "Viewer configuration (YAML): kafka, store.roots, http, index.")
    Path config;

    @Option(names = "--check", description = "Validate the configuration, print it as JSON and exit without starting.")
    boolean check;

    @Override
    public Integer call() throws Exception {
        ViewerConfig c;
        try {
            c = ViewerConfigLoader.load(config, System.getenv(), new ViewerConfigLoader.Overrides(bootstrap,
                    properties == null ? Map.of() : properties, port, roots == null ? List.of() : roots));
        } catch (ConfigException e) {
            String msg = e.getMessage();
            if (msg.startsWith("store.roots")) {
                msg += " (--root DIR)";
            }
            throw new BadInputException(config == null || msg.startsWith(config.toString()) ? msg : config + ": " + msg);
        }
        for (Path root : c.store().roots()) {
            if (!check && !java.nio.file.Files.isDirectory(root)) {
                throw new BadInputException("store.roots: " + root + " is not a directory");
            }
        }
        if (check) {
            spec.commandLine().getOut().println(Json.write(c));
            return 0;
        }
        return ViewerMain.run(c, url -> spec.commandLine().getOut().println("viewer: " + url));
    }
}
