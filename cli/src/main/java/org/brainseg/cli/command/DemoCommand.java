package org.brainseg.cli.command;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.brainseg.cli.demo.DemoOptions;
import org.brainseg.cli.demo.DemoPacs;
import org.brainseg.cli.demo.DemoRunner;
import org.brainseg.schemas.Promotion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code brainseg demo}: the whole system on this machine, see {@link DemoRunner}. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Run the whole system on this machine with no external service: an embedded Kafka (KRaft) broker, cached",
            "synthetic cohorts, the trainer and a worker that follows brainseg.models and serves the shipped default model",
            "from the first scan. Streams held-out scans with live progress, asks half-way for a fine-tune of the serving",
            "version on another cohort, shows the worker swapping to it while scans flow, and ends with a summary per version.",
            "About 5 minutes on 2 cores; --quick about 2."
        })
public final class DemoCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--quick", description = "Fewer scans and training steps (about 2 minutes on 2 cores).")
    boolean quick;

    @Option(names = "--keep-running", description = "Stay up after the summary (Kafka, worker, trainer) until Ctrl-C.")
    boolean keepRunning;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Use this Kafka instead of the embedded broker.")
    String bootstrap;

    @Option(names = "--property", paramLabel = "KEY=VALUE", description = "Kafka client property for --bootstrap (TLS, SASL), repeatable.")
    Map<String, String> properties = new LinkedHashMap<>();

    @Option(names = "--data", paramLabel = "DIR", description = "A BraTS or MSD dataset folder instead of the synthetic cohort "
            + "(labelled cases are used for training and scored).")
    Path data;

    @Option(names = "--cases", paramLabel = "N", description = "Synthetic cases (default: 16, --quick 8); each is streamed twice.")
    Integer cases;

    @Option(names = "--spacing", defaultValue = "3", paramLabel = "MM",
            description = "Voxel size of the synthetic cohorts (default: ${DEFAULT-VALUE}); training is at the shipped model's 2 mm.")
    double spacing;

    @Option(names = "--work-dir", defaultValue = "runs/demo", paramLabel = "DIR",
            description = "Registry, masks and broker log (default: ${DEFAULT-VALUE}); the registry is reused by later runs.")
    Path workDir;

    @Option(names = "--cache-dir", defaultValue = "data/demo", paramLabel = "DIR",
            description = "Where the synthetic cohort is cached (default: ${DEFAULT-VALUE}).")
    Path cacheDir;

    @Option(names = "--worker-port", defaultValue = "8080", paramLabel = "PORT", description = "Worker HTTP port (default: ${DEFAULT-VALUE}; 0: any).")
    int workerPort;

    @Option(names = "--trainer-port", defaultValue = "8081", paramLabel = "PORT", description = "Trainer HTTP port (default: ${DEFAULT-VALUE}; 0: any).")
    int trainerPort;

    @Option(names = "--promotion", defaultValue = "force", paramLabel = "POLICY",
            description = "Promotion policy of the half-way retrain: auto, never or force (default: ${DEFAULT-VALUE}, so that the swap is shown).")
    String promotion;

    @Option(names = "--orthanc", paramLabel = "URL", description = {"Stream the scans through this running Orthanc as DICOM studies "
            + "instead of as NIfTI files: a PACS bridge in the demo announces each uploaded study, the worker segments it and "
            + "the DICOM SEG goes back into the study (no Dice: DICOM carries no ground truth). Studies already in that Orthanc "
            + "are left alone. Password: environment variable BRAINSEG_ORTHANC_PASSWORD."})
    URI orthanc;

    @Option(names = "--orthanc-user", paramLabel = "USER", description = "HTTP basic user for --orthanc.")
    String orthancUser;

    @Option(names = "--import-bundle", paramLabel = "DIR", description = {"Half-way, import this MONAI bundle or TorchScript "
            + "folder (or .zip) as the next version instead of retraining (as brainseg models import does, with --promotion), so "
            + "that the worker swaps from the native model to it while scans flow. See docs/MODELS.md."})
    Path importBundle;

    @Option(names = "--timeout", defaultValue = "30", paramLabel = "MINUTES", description = "Give up after this long (default: ${DEFAULT-VALUE}).")
    int timeoutMinutes;

    /** The --orthanc target, checked; null without --orthanc. */
    private DemoPacs.Target orthancTarget() {
        if (orthanc == null) {
            if (orthancUser != null) {
                throw new IllegalArgumentException("--orthanc-user goes with --orthanc");
            }
            return null;
        }
        if (orthanc.getScheme() == null || !(orthanc.getScheme().equals("http") || orthanc.getScheme().equals("https"))
                || orthanc.getHost() == null) {
            throw new IllegalArgumentException("--orthanc must be an http:// or https:// URL, got " + orthanc);
        }
        if (orthanc.getUserInfo() != null) {
            throw new IllegalArgumentException("--orthanc must not carry credentials: --orthanc-user and BRAINSEG_ORTHANC_PASSWORD");
        }
        String password = System.getenv("BRAINSEG_ORTHANC_PASSWORD");
        if (orthancUser != null && (password == null || password.isEmpty())) {
            throw new IllegalArgumentException("--orthanc-user needs the password in the environment variable BRAINSEG_ORTHANC_PASSWORD");
        }
        URI root = orthanc.getPath() == null || orthanc.getPath().endsWith("/") ? orthanc : URI.create(orthanc + "/");
        return new DemoPacs.Target(root, orthancUser, orthancUser == null ? null : password);
    }

    @Override
    public Integer call() throws Exception {
        DemoOptions options;
        try {
            Promotion p = Promotion.parse(promotion);
            if (timeoutMinutes < 1) {
                throw new IllegalArgumentException("--timeout must be at least 1 minute, got " + timeoutMinutes);
            }
            if (workerPort < 0 || workerPort > 65535 || trainerPort < 0 || trainerPort > 65535) {
                throw new IllegalArgumentException("ports must be 0..65535");
            }
            DemoOptions.Builder b = quick ? DemoOptions.quick(workDir, cacheDir) : DemoOptions.full(workDir, cacheDir);
            if (cases != null) {
                b.cases(cases);
            }
            options = b.data(data).kafka(bootstrap, properties).spacingMm(spacing).ports(workerPort, trainerPort).promotion(p)
                    .keepRunning(keepRunning).timeout(Duration.ofMinutes(timeoutMinutes)).orthanc(orthancTarget()).importBundle(importBundle).build();
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
        if (data != null && !java.nio.file.Files.isDirectory(data)) {
            throw new BadInputException("--data " + data + ": not a directory");
        }
        if (importBundle != null && !java.nio.file.Files.exists(importBundle)) {
            throw new BadInputException("--import-bundle " + importBundle + ": no such file or folder");
        }
        java.nio.file.Files.createDirectories(workDir);
        org.brainseg.cli.demo.DemoLogging.toFile(workDir.resolve("demo.log"));
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                java.nio.charset.StandardCharsets.UTF_8);
        out.println("brainseg demo: service logs go to " + workDir.resolve("demo.log"));
        DemoRunner runner = new DemoRunner(options, out);
        Thread hook = new Thread(runner::shutdown, "brainseg-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        DemoRunner.Summary s;
        try {
            s = runner.run();
        } catch (Exception e) {
            String m = String.valueOf(e.getMessage());
            if (m.startsWith("cannot listen on")) {
                throw new BadInputException(m + " (another demo or service? --worker-port 0 --trainer-port 0 pick free ports)");
            }
            throw e;
        }
        Runtime.getRuntime().removeShutdownHook(hook);
        return s.failed() == 0 && s.completed() == s.submitted() ? 0 : 1;
    }
}
