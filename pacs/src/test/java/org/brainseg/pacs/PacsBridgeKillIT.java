package org.brainseg.pacs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.brainseg.client.consume.EventReader;
import org.brainseg.client.topics.TopicsInitializer;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.DatasetScanner;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.synthetic.CohortConfig;
import org.brainseg.synthetic.CohortGenerator;
import org.brainseg.kafka.embedded.EmbeddedKafkaExtension;
import org.brainseg.schemas.ScanArrived;
import org.brainseg.schemas.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge as its own process ({@code PacsBridgeMain}), killed with SIGKILL at random moments
 * while it works through a backlog of studies, restarted each time with the same configuration,
 * until a last run finishes: every study is announced (nothing lost), and where a kill fell
 * between a publish and the position save, the repeat is the same event (same eventId and scan id,
 * which workers drop as DUPLICATE_EVENT). The kills and repeats are written to
 * {@code target/pacs-kill.txt}.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PacsBridgeKillIT {
    static final int STUDIES = 5;

    @RegisterExtension
    static final EmbeddedKafkaExtension BROKER = EmbeddedKafkaExtension.withTopics(TopicsInitializer.newTopics(3, (short) 1));

    @TempDir
    Path dir;

    List<ScanArrived> arrived() throws Exception {
        return EventReader.readAll(BROKER.bootstrapServers(), Map.of(), Topics.SCANS_ARRIVED, ScanArrived.class,
                Duration.ofSeconds(5));
    }

    Process bridge(Path config, int run) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                PacsBridgeMain.class.getName(), config.toString());
        pb.environment().put("BRAINSEG_ORTHANC_PASSWORD", OrthancServer.PASSWORD);
        Path logs = Files.createDirectories(Path.of("target", "pacs-kill-logs"));
        pb.redirectErrorStream(true).redirectOutput(logs.resolve("bridge-" + run + ".log").toFile());
        return pb.start();
    }

    @Test
    void shouldAnnounceEveryStudyOnceAsOneEventAcrossSigkills() throws Exception {
        String exe = Tools.require("Orthanc", "orthanc");
        String python = Tools.requirePydicom();
        Path logs = Path.of("target", "pacs-kill-logs");
        if (Files.isDirectory(logs)) {
            try (var old = Files.list(logs)) {
                for (Path f : old.toList()) {
                    Files.delete(f);
                }
            }
        }
        new CohortGenerator(CohortConfig.of(1, 51).withSpacing(6.0)).generate(dir.resolve("cohort"), r -> {});
        Case c = DatasetScanner.scan(dir.resolve("cohort")).cases().get(0);
        Path script = Tools.script("write_series.py", dir);
        try (OrthancServer orthanc = OrthancServer.start(exe, dir.resolve("orthanc"))) {
            Set<String> studies = new TreeSet<>();
            for (int n = 0; n < STUDIES; n++) {
                SyntheticStudy s = new SyntheticStudy(python, script, c, "kill-" + n, List.of(Modality.values()),
                        SyntheticStudy.same(new SyntheticStudy.Geometry(new double[] {1, 0, 0, 0, 1, 0}, new double[] {n, 0, 0},
                                new double[] {6, 6}, 6)), n % 2 == 1, dir.resolve("dicom"));
                studies.add(orthanc.upload(s.allFiles()));
            }
            Thread.sleep(2000); // all stable: a backlog for the bridge
            Path config = dir.resolve("bridge.yaml");
            Files.writeString(config, String.join("\n",
                    "kafka:",
                    "  bootstrapServers: " + BROKER.bootstrapServers(),
                    "  transactionalId: it-pacs-kill",
                    "orthanc:",
                    "  url: " + orthanc.url(),
                    "  username: " + OrthancServer.USER,
                    "  pollIntervalMs: 100",
                    "store:",
                    "  inputDir: " + dir.resolve("scans"),
                    "  positionFile: " + dir.resolve("position.json"),
                    "results:",
                    "  enabled: false",
                    "http:",
                    "  port: 0",
                    ""));
            Random random = new Random(7);
            List<String> log = new ArrayList<>();
            int run = 0;
            while (announced(studies) < STUDIES && run < 12) {
                Process p = bridge(config, run);
                long wait = 4000 + random.nextInt(8000);
                boolean exited = p.waitFor(wait, TimeUnit.MILLISECONDS);
                if (!exited) {
                    p.destroyForcibly(); // SIGKILL
                    p.waitFor(30, TimeUnit.SECONDS);
                }
                log.add("run " + run + ": " + (exited ? "exited " + p.exitValue() : "SIGKILL after " + wait + " ms") + ", studies"
                        + " announced so far " + announced(studies));
                run++;
            }
            Process last = bridge(config, run);
            Path lastLog = Path.of("target", "pacs-kill-logs", "bridge-" + run + ".log");
            try {
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> announced(studies) == STUDIES);
                // started (serving HTTP), read the whole feed, and had time to repeat anything it would repeat
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                        .until(() -> Files.readString(lastLog).contains("HTTP on"));
                Thread.sleep(3000);
            } finally {
                last.destroy(); // SIGTERM: graceful
                assertThat(last.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
            // a JVM ended by SIGTERM exits 143 (128 + 15) once its shutdown hooks ran, whatever main returns
            assertThat(last.exitValue()).as("exit code after SIGTERM").isIn(0, 143);
            assertThat(Files.readString(lastLog)).contains("stopping the PACS bridge")
                    .doesNotContain(OrthancServer.PASSWORD).doesNotContain("Doe").doesNotContain("SECRET42");

            List<ScanArrived> all = arrived();
            Map<String, List<ScanArrived>> byScan = all.stream().collect(Collectors.groupingBy(ScanArrived::scanId, TreeMap::new,
                    Collectors.toList()));
            assertThat(byScan).hasSize(STUDIES);
            for (List<ScanArrived> copies : byScan.values()) {
                assertThat(copies.stream().map(ScanArrived::eventId).distinct()).as("one event per study").hasSize(1);
            }
            log.add(all.size() + " ScanArrived for " + STUDIES + " studies after " + run + " killed or ended runs and a last one: "
                    + (all.size() - STUDIES) + " repeats, each the same event as the first");
            Files.write(Path.of("target", "pacs-kill.txt"), log);
        }
    }

    int announced(Set<String> studies) throws Exception {
        Set<String> seen = new TreeSet<>();
        for (ScanArrived a : arrived()) {
            for (String s : studies) {
                if (a.scanId().startsWith("orthanc-" + s)) {
                    seen.add(s);
                }
            }
        }
        return seen.size();
    }
}
