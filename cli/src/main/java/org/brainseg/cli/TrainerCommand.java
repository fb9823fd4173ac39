package org.brainseg.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.brainseg.service.config.ConfigException;
import org.brainseg.trainer.service.TrainerConfig;
import org.brainseg.trainer.service.TrainerConfigLoader;
import org.brainseg.trainer.service.TrainerMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code brainseg trainer --config FILE}: runs {@link TrainerMain} with a YAML configuration. */
@Command(
        name = "trainer",
        mixinStandardHelpOptions = true,
        description = {
            "Run the trainer service against a Kafka cluster until stopped (SIGTERM or Ctrl-C).",
            "Consumes brainseg.training.requests one at a time: trains, judges the new version against the active one on a",
            "fixed held-out set, writes it to the registry and publishes ModelVersionPublished on brainseg.models (active,",
            "rejected or candidate) in one transaction with the request's offset. Essential keys: kafka.bootstrapServers,",
            "registry.root; every key is documented in deploy/trainer.example.yaml and can be overridden by",
            "BRAINSEG_<SECTION>_<KEY>. Exit codes: 0 stopped, 2 bad configuration, 3 fatal error (restart me)."
        })
final class TrainerCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "Trainer configuration (YAML).")
    Path config;

    @Option(names = "--check", description = "Validate the configuration, print it as JSON and exit without starting.")
    boolean check;

    @Override
    public Integer call() throws Exception {
        TrainerConfig c;
        try {
            c = TrainerConfigLoader.load(config);
        } catch (ConfigException e) {
            String msg = e.getMessage();
            throw new BadInputException(msg.startsWith(config.toString()) ? msg : config + ": " + msg);
        }
        if (check) {
            spec.commandLine().getOut().println(Json.write(c));
            return 0;
        }
        return TrainerMain.run(c);
    }
}
