package org.brainseg.cli.command;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.brainseg.client.submit.ScanSubmitter;
import org.brainseg.client.watch.DropFolderWatcher;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.schemas.ScanArrived;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code brainseg watch DIR}: publishes drop-folder cases once complete and settled, through {@link DropFolderWatcher}. */
@Command(
        name = "watch",
        mixinStandardHelpOptions = true,
        description = {
            "Watch a drop folder and publish each new case folder (BraTS layout: DIR/<case>/<case>_t1.nii.gz...) once.",
            "A folder is published when all four modalities are present and its files (names, sizes, times) have not",
            "changed for --settle-seconds, with no hidden or .part/.tmp file in it. Published folders are remembered in",
            "the state file across restarts; a corrupt state file stops the command (exit 2) rather than republishing",
            "everything: fix it or delete it. --once makes one pass and exits (exit 1 if a publication failed)."
        })
public final class WatchCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "The drop folder.")
    Path dir;

    @Option(names = "--settle-seconds", defaultValue = "10", paramLabel = "S",
            description = "How long a complete folder must stay unchanged (default: ${DEFAULT-VALUE}).")
    int settleSeconds;

    @Option(names = "--state", paramLabel = "FILE",
            description = "Where published folders are remembered (default: DIR/" + DropFolderWatcher.DEFAULT_STATE_FILE + ").")
    Path state;

    @Option(names = "--once", description = "Look once, publish what is ready, print a summary and exit.")
    boolean once;

    @Option(names = "--prefix", defaultValue = "", paramLabel = "STR", description = "Prepended to each folder name to form the scan id.")
    String prefix;

    @Mixin
    KafkaOptions kafka;

    private ScanSubmitter submitter;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(dir)) {
            throw new BadInputException(dir + ": no such directory");
        }
        BadInputException.requireAtLeast("--settle-seconds", settleSeconds, 0, "");
        Duration timeout = kafka.connectTimeout();
        PrintWriter out = spec.commandLine().getOut();
        try {
            DropFolderWatcher watcher = new DropFolderWatcher(dir, Duration.ofSeconds(settleSeconds), state, Clock.systemUTC(),
                    c -> publish(c, timeout));
            if (once) {
                DropFolderWatcher.Pass pass = watcher.scanOnce();
                report(pass, out);
                out.printf("published %d, settling %d, incomplete %d, failed %d (state: %s)%n", pass.published().size(),
                        pass.settling().size(), pass.incomplete().size(), pass.failed().size(), watcher.stateFile());
                out.flush();
                return pass.failed().isEmpty() ? 0 : ErrorHandler.FAILURE;
            }
            out.printf("watching %s (settle %d s, state %s, Kafka %s); Ctrl-C to stop%n", dir, settleSeconds,
                    watcher.stateFile(), kafka.bootstrap);
            out.flush();
            // a pass lists one directory: twice per settle period is cheap and keeps the delay near the settle time
            Duration interval = Duration.ofMillis(Math.max(500, Math.min(5_000, settleSeconds * 500L)));
            watcher.run(interval, () -> true, pass -> report(pass, out));
            return 0;
        } finally {
            if (submitter != null) {
                submitter.close();
            }
        }
    }

    /** The producer is made on the first publication, so a pass with nothing ready never touches Kafka. */
    private String publish(Case c, Duration timeout) throws Exception {
        if (submitter == null) {
            submitter = new ScanSubmitter(kafka.bootstrap, kafka.properties(), Clock.systemUTC(), timeout);
        }
        ScanArrived e = submitter.eventFor(c, prefix + c.id());
        submitter.submit(List.of(e));
        return e.scanId();
    }

    private void report(DropFolderWatcher.Pass pass, PrintWriter out) {
        pass.published().forEach((folder, scanId) -> out.printf("published %s as %s%n", folder, scanId));
        pass.failed().forEach((folder, why) -> spec.commandLine().getErr().printf("not published %s: %s%n", folder, why));
        out.flush();
    }
}
