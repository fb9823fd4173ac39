package org.brainseg.cli.command;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.brainseg.cli.console.ProgressBar;
import org.brainseg.client.submit.ScanSubmitter;
import org.brainseg.client.topics.TopicsInitializer;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.DatasetScan;
import org.brainseg.imaging.dataset.DatasetScanner;
import org.brainseg.schemas.ScanArrived;
import org.brainseg.schemas.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code brainseg submit --data DIR}: a ScanArrived per case of a dataset, through {@link ScanSubmitter}. */
@Command(
        name = "submit",
        mixinStandardHelpOptions = true,
        description = {
            "Publish a ScanArrived on brainseg.scans.arrived for each case of a dataset directory.",
            "Any supported layout (BraTS 2018-2021, BraTS 2023+, MSD Task01); the ground truth's URI is included when present.",
            "Events carry file: URIs, so workers must see the files under the same paths (store.inputRoots).",
            "Prints how many were acknowledged and their scan ids; exit 1 if Kafka does not answer within --connect-timeout."
        })
public final class SubmitCommand implements Callable<Integer> {
    /** Above this many cases a progress bar is worth showing. */
    private static final int PROGRESS_FROM = 10;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Dataset directory (or one case directory).")
    Path data;

    @Option(names = "--prefix", defaultValue = "", paramLabel = "STR",
            description = "Prepended to each case id to form the scan id (letters, digits, '.', '_', '-').")
    String prefix;

    @Option(names = "--create-topics",
            description = "Create brainseg's topics first when missing (existing topics are left alone).")
    boolean createTopics;

    @Option(names = "--partitions", defaultValue = "6", paramLabel = "N",
            description = "With --create-topics: partitions of the per-scan topics (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--replication-factor", defaultValue = "1", paramLabel = "N",
            description = "With --create-topics: replicas per topic (default: ${DEFAULT-VALUE}; 3 on a production cluster).")
    short replicationFactor;

    @Mixin
    KafkaOptions kafka;

    @Override
    public Integer call() throws Exception {
        Duration timeout = kafka.connectTimeout();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DatasetScan scan = DatasetScanner.scan(data);
        scan.problems().forEach(p -> err.println("warning: " + p));
        if (scan.cases().isEmpty()) {
            throw new BadInputException(data + ": no complete case to submit");
        }
        if (createTopics) {
            createTopics(timeout);
        }
        try (ScanSubmitter submitter = new ScanSubmitter(kafka.bootstrap, kafka.properties(), Clock.systemUTC(), timeout)) {
            List<ScanArrived> events = new ArrayList<>();
            for (Case c : scan.cases()) {
                try {
                    events.add(submitter.eventFor(c, prefix + c.id()));
                } catch (IllegalArgumentException e) {
                    throw new BadInputException("case " + c.id() + " (with --prefix '" + prefix + "'): " + e.getMessage());
                }
            }
            if (events.size() > PROGRESS_FROM) {
                try (ProgressBar bar = new ProgressBar("submit", events.size())) {
                    submitter.submit(events, e -> bar.step(e.scanId()));
                }
            } else {
                submitter.submit(events);
            }
            long truths = events.stream().filter(ScanArrived::hasGroundTruth).count();
            out.printf("submitted %d scans to %s at %s (layout %s, %d with ground truth)%n", events.size(), Topics.SCANS_ARRIVED,
                    kafka.bootstrap, scan.layout().id(), truths);
            events.forEach(e -> out.println(e.scanId()));
            out.flush();
        }
        return 0;
    }

    private void createTopics(Duration timeout) {
        if (partitions < 1 || replicationFactor < 1) {
            throw new BadInputException("--partitions and --replication-factor must be at least 1");
        }
        Map<String, Object> p = new HashMap<>(kafka.properties());
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(30_000, timeout.toMillis()));
        try (Admin admin = Admin.create(p)) {
            TopicsInitializer.createAll(admin, partitions, replicationFactor, timeout);
        }
    }
}
