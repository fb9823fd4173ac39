package org.brainseg.cli.command;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.brainseg.service.config.ConfigException;
import org.brainseg.service.run.ServiceRunner;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * What {@code brainseg worker}, {@code trainer} and {@code pacs-bridge} share: read and validate the YAML
 * configuration (bad input, exit 2, naming the file and key), print it with {@code --check}, else
 * run the service until SIGTERM and return its exit code.
 *
 * @param <C> the service's typed configuration
 */
public abstract class ServiceCommand<C> implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "Service configuration (YAML).")
    Path config;

    @Option(names = "--check", description = "Validate the configuration, print it as JSON and exit without starting.")
    boolean check;

    private final ServiceRunner.ConfigReader<C> read;
    private final ServiceRunner.Service<C> service;

    /**
     * @param read reads and validates the configuration (the service's loader)
     * @param service runs the service until it stops (its main's {@code run}); returns the exit code
     */
    ServiceCommand(ServiceRunner.ConfigReader<C> read, ServiceRunner.Service<C> service) {
        this.read = read;
        this.service = service;
    }

    @Override
    public Integer call() throws Exception {
        C c;
        try {
            c = read.read(config);
        } catch (ConfigException e) {
            String msg = e.getMessage();
            throw new BadInputException(msg.startsWith(config.toString()) ? msg : config + ": " + msg);
        }
        if (check) {
            spec.commandLine().getOut().println(Json.write(c));
            return 0;
        }
        return service.run(c);
    }
}
