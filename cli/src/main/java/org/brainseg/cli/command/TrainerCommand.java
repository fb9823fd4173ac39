package org.brainseg.cli.command;

import org.brainseg.trainer.config.TrainerConfig;
import org.brainseg.trainer.config.TrainerConfigLoader;
import org.brainseg.trainer.service.TrainerMain;
import picocli.CommandLine.Command;

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
public final class TrainerCommand extends ServiceCommand<TrainerConfig> {
    TrainerCommand() {
        super(TrainerConfigLoader::load, TrainerMain::run);
    }
}
