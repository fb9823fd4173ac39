package org.brainseg.worker;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A worker in its own JVM, started from a YAML file as a container would start it
 * ({@link WorkerMain}), with its output in a log file. Reads its HTTP port from the log and its
 * committed-scan count from {@code /v1/status}. Kill with {@link #kill()} (SIGKILL on Linux).
 */
final class WorkerProcess implements AutoCloseable {
    private static final Pattern HTTP = Pattern.compile("HTTP on 127\\.0\\.0\\.1:(\\d+) ");
    private static final Pattern COMPLETED = Pattern.compile("\"completed\":(\\d+)");
    private static final Pattern IN_FLIGHT = Pattern.compile("\"inFlight\":(\\d+)");
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final Path config;
    private final Path log;
    private int port = -1;
    private volatile boolean stoppedByTest;

    private WorkerProcess(Process process, Path config, Path log) {
        this.process = process;
        this.config = config;
        this.log = log;
    }

    static WorkerProcess start(Path config, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m",
                // start-up is what the kill trials repeat: C1 only and the serial collector start faster on 2 cores
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "-Dai.djl.offline=true", WorkerMain.class.getName(), config.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new WorkerProcess(p, config, log);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The YAML file it was started from. */
    Path config() {
        return config;
    }

    /**
     * Whether it ended by itself with the fatal exit code, the worker's request to its orchestrator
     * for a restart ({@link org.brainseg.service.run.ServiceRunner#EXIT_FATAL}); not when the test killed or stopped it.
     */
    boolean exitedFatally() {
        return !stoppedByTest && !process.isAlive() && process.exitValue() == org.brainseg.service.run.ServiceRunner.EXIT_FATAL;
    }

    Process process() {
        return process;
    }

    /** Waits until the worker serves HTTP (it then polls Kafka); false if it died or the time ran out. */
    boolean awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            String text = Files.exists(log) ? Files.readString(log) : "";
            Matcher m = HTTP.matcher(text);
            if (m.find() && text.contains("worker ready")) {
                port = Integer.parseInt(m.group(1));
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    /** Scans this process has committed, from its status endpoint; -1 when it does not answer. */
    long completed() {
        return status(COMPLETED);
    }

    /** Scans taken and not yet committed (an open transaction's), from its status endpoint; -1 when it does not answer. */
    long inFlight() {
        return status(IN_FLIGHT);
    }

    private long status(Pattern field) {
        if (port < 0) {
            return -1;
        }
        try {
            HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/status"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            Matcher m = field.matcher(r.body());
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** SIGKILL: no shutdown hook, no abort, no commit. */
    void kill() throws InterruptedException {
        stoppedByTest = true;
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("worker did not die within 30 s of SIGKILL");
        }
    }

    /** SIGTERM: the graceful path; returns the exit code. */
    int terminate() throws InterruptedException {
        stoppedByTest = true;
        process.destroy();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            throw new IllegalStateException("worker did not stop within 90 s of SIGTERM");
        }
        return process.exitValue();
    }

    Path log() {
        return log;
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        stoppedByTest = true;
        process.destroyForcibly();
    }
}
