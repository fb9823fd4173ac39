package org.brainseg.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.brainseg.service.config.ConfigException;
import org.brainseg.worker.WorkerMain;
import org.brainseg.worker.config.ConfigLoader;
import org.brainseg.worker.config.WorkerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code brainseg worker --config FILE}: runs {@link WorkerMain} with a YAML configuration. */
@Command(
        name = "worker",
        mixinStandardHelpOptions = true,
        description = {
            "Run a segmentation worker against a Kafka cluster until stopped (SIGTERM or Ctrl-C: graceful).",
            "Consumes brainseg.scans.arrived, writes masks, publishes SegmentationCompleted/DiceReported/ScanFailed exactly",
            "once. Essential keys: kafka.bootstrapServers, store.inputRoots, store.outputRoot, and model.registryRoot",
            "(follow brainseg.models, hot-swapping the active version) or model.directory (one version, pinned); every key",
            "is documented in deploy/worker.example.yaml and can be overridden by BRAINSEG_<SECTION>_<KEY> (e.g.",
            "BRAINSEG_KAFKA_BOOTSTRAP_SERVERS). Exit codes: 0 stopped, 2 bad configuration, 3 fatal error (restart me)."
        })
final class WorkerCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "Worker configuration (YAML).")
    Path config;

    @Option(names = "--check", description = "Validate the configuration, print it as JSON and exit without starting.")
    boolean check;

    @Override
    public Integer call() throws Exception {
        WorkerConfig c;
        try {
            c = ConfigLoader.load(config);
        } catch (ConfigException e) {
            String msg = e.getMessage();
            throw new BadInputException(msg.startsWith(config.toString()) ? msg : config + ": " + msg);
        }
        if (check) {
            spec.commandLine().getOut().println(Json.write(c));
            return 0;
        }
        return WorkerMain.run(c);
    }
}
