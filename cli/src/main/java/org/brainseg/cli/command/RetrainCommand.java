package org.brainseg.cli.command;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.brainseg.client.retrain.RetrainRequests;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.DatasetScan;
import org.brainseg.imaging.dataset.DatasetScanner;
import org.brainseg.schemas.Normalization;
import org.brainseg.schemas.Promotion;
import org.brainseg.schemas.StartFrom;
import org.brainseg.schemas.Topics;
import org.brainseg.schemas.TrainingRequested;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code brainseg retrain --dataset DIR}: publishes a TrainingRequested for the trainer service. */
@Command(
        name = "retrain",
        mixinStandardHelpOptions = true,
        description = {
            "Ask the trainer service for a new model version: publishes a TrainingRequested on brainseg.training.requests",
            "and prints its request id. The dataset must be readable by the trainer under the same path.",
            "--promotion auto activates the new version only if its held-out mean Dice is at least the active one's minus",
            "the trainer's tolerance; force activates it regardless; never keeps it as a candidate."
        })
public final class RetrainCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dataset", required = true, paramLabel = "DIR", description = "Dataset directory (BraTS or MSD layout, labelled cases).")
    Path dataset;

    @Option(names = "--normalization", defaultValue = "layer", paramLabel = "NAME",
            description = "none, layer, layer-channel, instance, group or batch (default: ${DEFAULT-VALUE}).")
    String normalization;

    @Option(names = "--epochs", defaultValue = "20", paramLabel = "N", description = "Epochs, 1..100000 (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--promotion", defaultValue = "auto", paramLabel = "POLICY", description = "auto, never or force (default: ${DEFAULT-VALUE}).")
    String promotion;

    @Option(names = "--start-from", defaultValue = "scratch", paramLabel = "WHERE",
            description = "scratch (fresh weights) or active (fine-tune the active version's weights: same normalization "
                    + "and architecture; from scratch when none is active) (default: ${DEFAULT-VALUE}).")
    String startFrom;

    @Option(names = "--reason", defaultValue = "requested with brainseg retrain", paramLabel = "TEXT",
            description = "Why (free text, logged by the trainer).")
    String reason;

    @Option(names = "--request-id", paramLabel = "ID", description = "Request id (default: a new one); a repeated id is one request.")
    String requestId;

    @Mixin
    KafkaOptions kafka;

    @Override
    public Integer call() throws Exception {
        Path dir = dataset.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new BadInputException(dir + ": no such directory (the trainer reads the dataset under this path)");
        }
        DatasetScan scan = DatasetScanner.scan(dir);
        long labelled = scan.cases().stream().filter(Case::hasLabel).count();
        if (labelled < 2) {
            throw new BadInputException(dir + ": " + labelled + " labelled case(s); training needs at least 2");
        }
        TrainingRequested req;
        try {
            req = new TrainingRequested(UUID.randomUUID(), requestId == null ? "req-" + UUID.randomUUID() : requestId, reason,
                    dir.toUri(), Normalization.parse(normalization), epochs, seed, Promotion.parse(promotion),
                    StartFrom.parse(startFrom));
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
        RecordMetadata m = RetrainRequests.publish(kafka.bootstrap, kafka.properties(), req, kafka.connectTimeout());
        PrintWriter out = spec.commandLine().getOut();
        out.printf("published training request to %s (partition %d, offset %d): %d labelled cases, %s, %d epochs, promotion %s, "
                + "from %s%n", Topics.TRAINING_REQUESTS, m.partition(), m.offset(), labelled, req.normalization(), req.epochs(),
                req.promotion(), req.startFrom());
        out.println(req.requestId());
        out.flush();
        return 0;
    }
}
