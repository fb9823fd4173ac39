package org.brainseg.cli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.brainseg.schemas.Topics;
import org.brainseg.trainer.config.TrainerConfig;
import org.brainseg.worker.config.WorkerConfigLoader;
import org.brainseg.worker.config.WorkerConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/k8s rendered by kustomize (standalone, or kubectl's built-in) and checked against the code:
 * commands, configs, ports, probes, scrape jobs, the autoscaler's topic, group and bounds, the GPU overlay.
 */
class KustomizeTest {
    static List<JsonNode> base;
    static List<JsonNode> gpu;

    @BeforeAll
    static void renderBaseAndGpuOverlay() throws Exception {
        base = render("deploy/k8s/base");
        gpu = render("deploy/k8s/overlays/gpu");
    }

    /** The documents kustomize (or kubectl's built-in) renders from {@code dir}, relative to the repository. */
    static List<JsonNode> render(String dir) throws Exception {
        Optional<Tool> kustomize = Tool.find("kustomize");
        Tool tool = Tool.require(kustomize.isPresent() ? kustomize : Tool.find("kubectl"), "kustomize or kubectl",
                "kubernetes-client");
        String rendered = tool.check(kustomize.isPresent() ? "build" : "kustomize", dir);
        List<JsonNode> docs = new ArrayList<>();
        try (var it = Repo.YAML.readerFor(JsonNode.class).readValues(rendered.lines()
                .filter(l -> !l.startsWith("# Warning:")).reduce("", (a, b) -> a + b + "\n"))) {
            while (it.hasNext()) {
                docs.add((JsonNode) it.next());
            }
        }
        return docs;
    }

    static JsonNode find(List<JsonNode> docs, String kind, String name) {
        return docs.stream().filter(d -> d.path("kind").asText().equals(kind) && d.path("metadata").path("name").asText().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " rendered"));
    }

    static JsonNode container(JsonNode deployment) {
        assertThat(deployment.path("spec").path("template").path("spec").path("containers")).hasSize(1);
        return deployment.path("spec").path("template").path("spec").path("containers").get(0);
    }

    /** The config file a container reads: the ConfigMap its config volume names, at the --config path. */
    static String configFile(List<JsonNode> docs, JsonNode deployment) {
        JsonNode c = container(deployment);
        List<String> args = Contract.strings(c.path("args"));
        String path = args.get(args.indexOf("--config") + 1);
        for (JsonNode m : c.path("volumeMounts")) {
            if (path.startsWith(m.path("mountPath").asText() + "/")) {
                for (JsonNode v : deployment.path("spec").path("template").path("spec").path("volumes")) {
                    if (v.path("name").asText().equals(m.path("name").asText())) {
                        JsonNode cm = find(docs, "ConfigMap", v.path("configMap").path("name").asText());
                        String key = path.substring(m.path("mountPath").asText().length() + 1);
                        assertThat(cm.path("data").has(key)).as("ConfigMap %s has %s", cm.path("metadata").path("name"), key).isTrue();
                        return cm.path("data").path(key).asText();
                    }
                }
            }
        }
        throw new AssertionError("--config " + path + " is not in a mounted ConfigMap");
    }

    @Test
    void shouldRunTheWorkerWithItsConfigPortAndProbes() throws Exception {
        JsonNode d = find(base, "Deployment", "brainseg-worker");
        JsonNode c = container(d);
        List<String> args = Contract.strings(c.path("args"));
        Contract.assertValidCommand(args);
        WorkerConfig config = Contract.workerConfig(configFile(base, d), Map.of());
        assertThat(config.http().host()).isEqualTo("0.0.0.0");
        assertThat(c.path("ports").get(0).path("name").asText()).isEqualTo("http");
        assertThat(c.path("ports").get(0).path("containerPort").asInt()).isEqualTo(config.http().port()).isEqualTo(Contract.WORKER_PORT);
        assertProbes(c);
        assertThat(d.path("spec").path("strategy").path("rollingUpdate").path("maxSurge").asInt())
                .as("no surge: more workers than partitions never turn ready").isZero();

        // transactional id: the pod name, through the variable WorkerConfigLoader reads for kafka.transactionalId
        JsonNode tx = env(c, WorkerConfigLoader.envName("kafka", "transactionalId"));
        assertThat(tx.path("valueFrom").path("fieldRef").path("fieldPath").asText()).isEqualTo("metadata.name");
        assertThat(Contract.workerConfig(configFile(base, d), Map.of(tx.path("name").asText(), "brainseg-worker-7c9d-x2k4p"))
                .kafka().transactionalId()).isEqualTo("brainseg-worker-7c9d-x2k4p");
        for (JsonNode e : c.path("env")) {
            if (e.path("name").asText().startsWith("BRAINSEG_")) {
                assertThat(Contract.workerEnvNames()).as("the worker reads %s", e.path("name")).contains(e.path("name").asText());
            }
        }
        assertVolumesExist(base, d);
        assertMountedPaths(c, config);
        JsonNode pod = d.path("spec").path("template").path("spec");
        assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.path("terminationGracePeriodSeconds").asInt()).isGreaterThanOrEqualTo(60);
    }

    @Test
    void shouldRunTheTrainerWithItsConfigPortAndProbes() throws Exception {
        JsonNode d = find(base, "Deployment", "brainseg-trainer");
        JsonNode c = container(d);
        List<String> args = Contract.strings(c.path("args"));
        Contract.assertValidCommand(args);
        TrainerConfig config = Contract.trainerConfig(configFile(base, d), Map.of());
        assertThat(config.http().host()).isEqualTo("0.0.0.0");
        assertThat(c.path("ports").get(0).path("containerPort").asInt()).isEqualTo(config.http().port())
                .isEqualTo(Contract.TRAINER_PORT);
        assertProbes(c);
        assertVolumesExist(base, d);
        // the trainer writes versions where the workers load them, under the name they follow
        WorkerConfig worker = Contract.workerConfig(configFile(base, find(base, "Deployment", "brainseg-worker")), Map.of());
        assertThat(config.registry().root()).isEqualTo(worker.model().registryRoot());
        assertThat(config.registry().modelName()).isEqualTo(worker.model().name());
        assertThat(config.kafka().bootstrapServers()).isEqualTo(worker.kafka().bootstrapServers());
        Map<String, String> mounts = mountPaths(c);
        assertThat(config.registry().root().startsWith(mounts.get("registry"))).isTrue();
        for (var root : config.data().roots()) {
            assertThat(root.startsWith(mounts.get("scans"))).as("data root %s on the scans PVC", root).isTrue();
        }
    }

    @Test
    void shouldAskTheTrainerForTheFirstModelOnADatasetItMayRead() throws Exception {
        JsonNode job = find(base, "Job", "brainseg-bootstrap-model");
        JsonNode c = job.path("spec").path("template").path("spec").path("containers").get(0);
        List<String> args = Contract.strings(c.path("args"));
        Contract.assertValidCommand(args);
        assertThat(args.get(0)).isEqualTo("retrain");
        assertThat(args).contains("--request-id");
        TrainerConfig trainer = Contract.trainerConfig(configFile(base, find(base, "Deployment", "brainseg-trainer")), Map.of());
        assertThat(args.get(args.indexOf("--bootstrap") + 1)).isEqualTo(trainer.kafka().bootstrapServers());
        java.nio.file.Path dataset = java.nio.file.Path.of(args.get(args.indexOf("--dataset") + 1));
        assertThat(trainer.data().roots()).as("the trainer may read %s", dataset).anyMatch(dataset::startsWith);
        // retrain checks the dataset under the path the trainer reads it: the same PVC at the same path
        Map<String, String> trainerMounts = mountPaths(container(find(base, "Deployment", "brainseg-trainer")));
        assertThat(dataset.startsWith(mountPaths(c).get("scans"))).isTrue();
        assertThat(mountPaths(c).get("scans")).isEqualTo(trainerMounts.get("scans"));
        assertThat(job.path("spec").path("template").path("spec").path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
    }

    private static Map<String, String> mountPaths(JsonNode c) {
        Map<String, String> mounts = new java.util.HashMap<>();
        c.path("volumeMounts").forEach(m -> mounts.put(m.path("name").asText(), m.path("mountPath").asText()));
        return mounts;
    }

    @Test
    void shouldExposeAndScrapeEachServiceAsTheRulesExpect() {
        for (String name : List.of("brainseg-worker", "brainseg-trainer")) {
            JsonNode d = find(base, "Deployment", name);
            JsonNode labels = d.path("spec").path("template").path("metadata").path("labels");
            JsonNode svc = find(base, "Service", name);
            svc.path("spec").path("selector").fields().forEachRemaining(e ->
                    assertThat(labels.path(e.getKey()).asText()).as("%s selector %s", name, e.getKey()).isEqualTo(e.getValue().asText()));
            assertThat(svc.path("spec").path("ports").get(0).path("targetPort").asText()).isEqualTo("http");
            JsonNode pm = find(base, "PodMonitor", name);
            pm.path("spec").path("selector").path("matchLabels").fields().forEachRemaining(e ->
                    assertThat(labels.path(e.getKey()).asText()).as("%s PodMonitor selects %s", name, e.getKey()).isEqualTo(e.getValue().asText()));
            // job label = the value of the pod label jobLabel names: the job the alert rules select on
            assertThat(labels.path(pm.path("spec").path("jobLabel").asText()).asText()).isEqualTo(name);
            assertThat(pm.path("spec").path("podMetricsEndpoints").get(0).path("port").asText()).isEqualTo("http");
        }
    }

    @Test
    void shouldScaleWorkersOnTheLagOfTheirGroupUpToOnePerPartition() throws Exception {
        JsonNode so = find(base, "ScaledObject", "brainseg-worker");
        WorkerConfig config = Contract.workerConfig(configFile(base, find(base, "Deployment", "brainseg-worker")), Map.of());
        assertThat(so.path("spec").path("scaleTargetRef").path("name").asText()).isEqualTo("brainseg-worker");
        JsonNode trigger = so.path("spec").path("triggers").get(0);
        assertThat(trigger.path("type").asText()).isEqualTo("kafka");
        JsonNode m = trigger.path("metadata");
        assertThat(m.path("topic").asText()).isEqualTo(Topics.SCANS_ARRIVED);
        assertThat(m.path("consumerGroup").asText()).isEqualTo(config.kafka().groupId());
        assertThat(m.path("bootstrapServers").asText()).isEqualTo(config.kafka().bootstrapServers());
        assertThat(Integer.parseInt(m.path("lagThreshold").asText())).isPositive();
        int max = so.path("spec").path("maxReplicaCount").asInt();
        assertThat(max).isBetween(so.path("spec").path("minReplicaCount").asInt(1), Topics.DEFAULT_SCAN_PARTITIONS);
    }

    @Test
    void shouldGiveEachGpuWorkerAGpuTheCudaImageAndTheGpuDevice() throws Exception {
        JsonNode d = find(gpu, "Deployment", "brainseg-worker");
        JsonNode c = container(d);
        assertThat(c.path("image").asText()).endsWith("-cuda");
        assertThat(c.path("resources").path("limits").path("nvidia.com/gpu").asInt()).isEqualTo(1);
        Map<String, String> env = new java.util.HashMap<>();
        c.path("env").forEach(e -> {
            if (e.has("value")) {
                env.put(e.path("name").asText(), e.path("value").asText());
            }
        });
        assertThat(Contract.workerConfig(configFile(gpu, d), env).model().device()).isEqualTo("gpu");
        // the overlay only adds: the CPU base's probes and transactional id survive the patch
        assertProbes(c);
        assertThat(env(c, WorkerConfigLoader.envName("kafka", "transactionalId")).path("valueFrom").isObject()).isTrue();
        assertThat(container(find(gpu, "Deployment", "brainseg-trainer")).path("image").asText())
                .isEqualTo(container(find(base, "Deployment", "brainseg-trainer")).path("image").asText());
    }

    private static void assertProbes(JsonNode c) {
        assertThat(c.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/health/live");
        assertThat(c.path("startupProbe").path("httpGet").path("path").asText()).isEqualTo("/health/live");
        assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/health/ready");
        for (String p : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            assertThat(c.path(p).path("httpGet").path("port").asText()).as(p).isEqualTo("http");
        }
    }

    private static JsonNode env(JsonNode container, String name) {
        for (JsonNode e : container.path("env")) {
            if (e.path("name").asText().equals(name)) {
                return e;
            }
        }
        throw new AssertionError("no env " + name);
    }

    private static void assertVolumesExist(List<JsonNode> docs, JsonNode deployment) {
        Set<String> mounted = new TreeSet<>();
        container(deployment).path("volumeMounts").forEach(m -> mounted.add(m.path("name").asText()));
        Set<String> declared = new TreeSet<>();
        for (JsonNode v : deployment.path("spec").path("template").path("spec").path("volumes")) {
            declared.add(v.path("name").asText());
            if (v.has("persistentVolumeClaim")) {
                find(docs, "PersistentVolumeClaim", v.path("persistentVolumeClaim").path("claimName").asText());
            }
        }
        assertThat(declared).isEqualTo(mounted);
    }

    /** Inputs, outputs and the model lie on the PVCs, so that every worker sees the same files. */
    private static void assertMountedPaths(JsonNode c, WorkerConfig config) {
        Map<String, String> mounts = new java.util.HashMap<>();
        c.path("volumeMounts").forEach(m -> mounts.put(m.path("name").asText(), m.path("mountPath").asText()));
        for (var p : config.store().inputRoots()) {
            assertThat(p.startsWith(mounts.get("scans"))).as("input root %s on the scans PVC", p).isTrue();
        }
        assertThat(config.store().outputRoot().startsWith(mounts.get("scans"))).isTrue();
        assertThat(config.model().follows()).as("workers follow brainseg.models (no pinned directory)").isTrue();
        assertThat(config.model().registryRoot().startsWith(mounts.get("registry"))).isTrue();
    }
}
