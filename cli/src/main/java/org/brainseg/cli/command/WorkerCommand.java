package org.brainseg.cli.command;

import org.brainseg.worker.WorkerMain;
import org.brainseg.worker.config.WorkerConfigLoader;
import org.brainseg.worker.config.WorkerConfig;
import picocli.CommandLine.Command;

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
public final class WorkerCommand extends ServiceCommand<WorkerConfig> {
    WorkerCommand() {
        super(WorkerConfigLoader::load, WorkerMain::run);
    }
}
