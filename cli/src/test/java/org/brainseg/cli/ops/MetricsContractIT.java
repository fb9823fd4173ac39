package org.brainseg.cli.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.brainseg.client.retrain.RetrainRequests;
import org.brainseg.client.submit.ScanSubmitter;
import org.brainseg.client.topics.TopicsInitializer;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.DatasetScanner;
import org.brainseg.synthetic.CohortConfig;
import org.brainseg.synthetic.CohortGenerator;
import org.brainseg.kafka.embedded.EmbeddedKafka;
import org.brainseg.kafka.embedded.EmbeddedKafkaExtension;
import org.brainseg.schemas.Normalization;
import org.brainseg.schemas.Promotion;
import org.brainseg.schemas.TrainingRequested;
import org.brainseg.service.config.HttpSection;
import org.brainseg.service.config.KafkaSection;
import org.brainseg.trainer.config.TrainerConfig;
import org.brainseg.trainer.service.TrainerService;
import org.brainseg.worker.Worker;
import org.brainseg.worker.config.WorkerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every metric the alert rules and the Grafana dashboard read is one the services export, with the
 * label values the expressions select: on one embedded broker and one tiny cohort, a real trainer
 * service trains version 1 (published active), a worker following brainseg.models loads it and
 * segments a scan with ground truth, then the trainer trains version 2 and the worker hot-swaps to
 * it. Both services' {@code /metrics} are then scraped over HTTP, so that the training and swap
 * meters have samples, and compared with the expressions in {@code monitoring/}.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class MetricsContractIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension BROKER = EmbeddedKafkaExtension.withTopics(TopicsInitializer.newTopics(2, (short) 1));

    static final double SPACING_MM = 3.0;
    static final String MODEL = "brainseg";

    /** Series Prometheus itself makes (scrape health, alert state), not services. */
    static final Set<String> PROMETHEUS_OWN = Set.of("up", "ALERTS", "ALERTS_FOR_STATE", "scrape_duration_seconds",
            "scrape_samples_scraped");
    /** Labels Prometheus attaches to every scraped series (target labels), not the services. */
    static final Set<String> TARGET_LABELS = Set.of("job", "instance");

    @Test
    void shouldExportEveryMetricTheRulesAndTheDashboardUse(@TempDir Path tmp) throws Exception {
        String workerScrape;
        String trainerScrape;
        EmbeddedKafka kafka = BROKER.kafka();
        Path data = tmp.resolve("data");
        new CohortGenerator(CohortConfig.of(3, 3).withSpacing(SPACING_MM)).generate(data, r -> {});
        List<Case> cases = DatasetScanner.scan(data).cases();
        Path registry = tmp.resolve("registry");
        Files.createDirectories(tmp.resolve("masks"));
        WorkerConfig config = new WorkerConfig(
                new KafkaSection(kafka.bootstrapServers(), "brainseg-workers", "metrics-it", 60_000, Map.of()),
                new WorkerConfig.Store(List.of(data), tmp.resolve("masks")),
                WorkerConfig.Model.following(MODEL, registry, "cpu"),
                new WorkerConfig.Inference(1, 2, false, 1),
                new HttpSection("127.0.0.1", 0),
                new WorkerConfig.Retry(3, 20, 200));
        try (TrainerService trainer = TrainerService.start(trainerConfig(kafka.bootstrapServers(), registry), t -> {});
                Worker worker = Worker.start(config, t -> {});
                ScanSubmitter submitter = new ScanSubmitter(kafka.bootstrapServers(), Map.of(), Clock.systemUTC())) {
            String workerBase = "http://127.0.0.1:" + worker.httpPort();
            String trainerBase = "http://127.0.0.1:" + trainer.httpPort();
            // version 1 from the trainer: the worker, not ready until then, takes it into service
            request(kafka, data, "metrics-r1");
            awaitServing(workerBase, 1);
            // one scan with ground truth: every worker meter, Dice included, then has a sample
            submitter.submit(List.of(submitter.eventFor(cases.get(0), "metrics-" + cases.get(0).id())));
            await().atMost(Duration.ofMinutes(1)).until(() -> worker.status().completed() >= 1);
            // version 2: a hot swap in the serving worker
            request(kafka, data, "metrics-r2");
            awaitServing(workerBase, 2);
            get(workerBase + "/health/live");
            get(workerBase + "/health/ready"); // 200 only when serving: model loaded, partitions assigned
            get(trainerBase + "/health/live");
            get(trainerBase + "/health/ready");
            workerScrape = get(workerBase + "/metrics");
            trainerScrape = get(trainerBase + "/metrics");
        }
        Files.writeString(Path.of("target/worker-metrics.txt"), workerScrape);
        Files.writeString(Path.of("target/trainer-metrics.txt"), trainerScrape);

        assertThat(workerScrape).as("the worker's swaps").contains("brainseg_model_swaps_total{outcome=\"swapped\"} 2.0")
                .contains("brainseg_model_swaps_total{outcome=\"refused\"} 0.0")
                .contains("brainseg_model_load_seconds_count 2").contains("brainseg_model_version 2.0");
        assertThat(trainerScrape).as("the trainer's runs").contains("brainseg_training_runs_total{outcome=\"promoted\"} 2.0")
                .contains("brainseg_model_active_version{model=\"" + MODEL + "\"} 2.0")
                .contains("brainseg_training_duration_seconds_count 2").contains("brainseg_training_in_progress 0.0");

        Set<String> exported = new TreeSet<>(Scrape.names(workerScrape));
        exported.addAll(Scrape.names(trainerScrape));
        assertThat(exported).as("the worker's own meters").contains("brainseg_scans_completed_total",
                "brainseg_scan_stage_seconds_bucket", "brainseg_dice_sum", "brainseg_model_version");
        Set<String> missing = new TreeSet<>(Monitoring.usedMetricNames());
        missing.removeAll(exported);
        missing.removeAll(PROMETHEUS_OWN);
        // the PACS bridge's series: checked against a real bridge's scrape by pacs/.../PacsWorkerEndToEndIT
        missing.removeIf(n -> n.startsWith("brainseg_pacs_"));
        assertThat(missing).as("metrics used in monitoring/ that no service exports").isEmpty();

        // every label matcher name="value" in monitoring/ selects a series that exists
        String both = workerScrape + "\n" + trainerScrape;
        List<String> exprs = new ArrayList<>(Monitoring.ruleExpressions().values());
        exprs.addAll(Monitoring.dashboardExpressions());
        Set<String> unmatched = new TreeSet<>();
        for (String expr : exprs) {
            Matcher sel = SELECTOR.matcher(expr);
            while (sel.find()) {
                if (!exported.contains(sel.group(1))) {
                    continue; // Prometheus' own series (up{job=...})
                }
                Matcher lm = LABEL_MATCHER.matcher(sel.group(2));
                while (lm.find()) {
                    if (TARGET_LABELS.contains(lm.group(1))) {
                        continue;
                    }
                    String label = lm.group(1) + "=\"" + lm.group(2) + "\"";
                    boolean found = both.lines().anyMatch(l -> l.startsWith(sel.group(1) + "{") && l.contains(label));
                    if (!found) {
                        unmatched.add(sel.group(1) + "{" + label + "}");
                    }
                }
            }
        }
        assertThat(unmatched).as("label matchers in monitoring/ that select no exported series").isEmpty();

        // every label an expression groups or matches on (by, on) is carried by a series it reads
        Set<String> ungrouped = new TreeSet<>();
        for (String expr : exprs) {
            Set<String> names = PromQl.metricNames(expr);
            names.retainAll(exported);
            Matcher g = GROUPING.matcher(expr);
            while (g.find()) {
                for (String label : g.group(1).split(",")) {
                    String l = label.strip();
                    if (l.isEmpty() || l.equals("le") || TARGET_LABELS.contains(l) || names.isEmpty()) {
                        continue;
                    }
                    boolean carried = both.lines().anyMatch(line -> names.stream().anyMatch(n -> line.startsWith(n + "{"))
                            && line.contains(l + "=\""));
                    if (!carried) {
                        ungrouped.add(l + " in " + expr.strip());
                    }
                }
            }
        }
        assertThat(ungrouped).as("grouping labels in monitoring/ that no series read there carries").isEmpty();
    }

    private static final Pattern SELECTOR = Pattern.compile("([A-Za-z_:][A-Za-z0-9_:]*)\\{([^{}]*)}");
    private static final Pattern GROUPING = Pattern.compile("\\b(?:by|on)\\s*\\(([^()]*)\\)");
    private static final Pattern LABEL_MATCHER = Pattern.compile("(\\w+)\\s*=\\s*\"([^\"]*)\"");

    /** Version 1 and 2 forced active; the smallest real run (one step of a depth-2, width-4 U-Net at 3 mm). */
    private static TrainerConfig trainerConfig(String bootstrap, Path registry) {
        return new TrainerConfig(
                new KafkaSection(bootstrap, "metrics-trainer", "metrics-trainer", 60_000, Map.of()),
                new TrainerConfig.Registry(registry, MODEL, 5),
                new TrainerConfig.Gate(0.01),
                new TrainerConfig.HoldOut(0.34, 0),
                new TrainerConfig.Training(SPACING_MM, 32, 2, 4, 1, 1, 0.001, 1, "layer", 1, "cpu", 1),
                new TrainerConfig.AutoRetrain(0, null),
                new TrainerConfig.Data(List.of()),
                new HttpSection("127.0.0.1", 0));
    }

    /** What {@code brainseg retrain --promotion force} publishes. */
    private static void request(EmbeddedKafka kafka, Path dataset, String id) throws Exception {
        RetrainRequests.publish(kafka.bootstrapServers(), Map.of(), new TrainingRequested(UUID.randomUUID(), id, "metrics contract",
                dataset.toUri(), Normalization.LAYER, 1, 7, Promotion.FORCE), Duration.ofSeconds(30));
    }

    private static void awaitServing(String workerBase, int version) {
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                .until(() -> get(workerBase + "/metrics").contains("brainseg_model_version " + version + ".0"));
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url).isEqualTo(200);
        return r.body();
    }
}
