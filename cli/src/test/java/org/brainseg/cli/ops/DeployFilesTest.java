package org.brainseg.cli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.Uuid;
import org.brainseg.schemas.Topics;
import org.brainseg.trainer.config.TrainerConfig;
import org.brainseg.trainer.config.TrainerConfigLoader;
import org.brainseg.worker.config.WorkerConfig;
import org.junit.jupiter.api.Test;

/**
 * deploy/ and monitoring/ against the code: files parse, the compose stack and the images run real
 * commands with valid configs on the ports and paths the services serve, topics match {@link Topics}.
 * The Kubernetes manifests are checked after rendering, in {@link KustomizeTest}.
 */
class DeployFilesTest {
    static final String COMPOSE = "deploy/compose.yaml";
    static final String DOCKERFILE = "deploy/Dockerfile";

    @Test
    void shouldParseEveryYamlAndJsonFile() throws Exception {
        List<Path> yamls = new ArrayList<>(Repo.yamlFiles("deploy"));
        yamls.addAll(Repo.yamlFiles("monitoring"));
        assertThat(yamls).hasSizeGreaterThan(15);
        for (Path f : yamls) {
            assertThat(Repo.yamlDocuments(f)).as("documents in %s", f).isNotEmpty();
        }
        assertThat(Repo.json(Monitoring.DASHBOARD).path("panels").size()).isGreaterThan(10);
    }

    @Test
    void shouldServeEveryHealthAndMetricsPathTheDeploymentProbes() throws Exception {
        Set<String> paths = new TreeSet<>(probedPaths());
        assertThat(paths).contains("/health/live", "/health/ready", "/metrics");
        Map<String, Integer> codes = Contract.httpStatuses(paths);
        assertThat(codes).as("GET on a service's HTTP server").allSatisfy((p, code) -> assertThat(code).as(p).isEqualTo(200));
    }

    /** HEALTHCHECK URLs of the images, probe and scrape paths of the manifests, metrics paths of Prometheus. */
    static Set<String> probedPaths() throws Exception {
        Set<String> paths = new TreeSet<>();
        Matcher m = Pattern.compile("http://127\\.0\\.0\\.1:\\d+(/[\\w/]+)").matcher(Files.readString(Repo.file(DOCKERFILE)));
        while (m.find()) {
            paths.add(m.group(1));
        }
        for (Path f : Repo.yamlFiles("deploy/k8s")) {
            for (JsonNode doc : Repo.yamlDocuments(f)) {
                doc.findValues("httpGet").forEach(g -> paths.add(g.path("path").asText()));
                doc.findValues("podMetricsEndpoints").forEach(es -> es.forEach(e -> paths.add(e.path("path").asText())));
            }
        }
        Repo.yaml(Monitoring.PROMETHEUS).path("scrape_configs").forEach(c -> {
            if (c.path("job_name").asText().startsWith("brainseg")) {
                paths.add(c.path("metrics_path").asText("/metrics"));
            }
        });
        return paths;
    }

    @Test
    void shouldCreateTheTopicsAsTheCodeDefinesThem() throws Exception {
        String script = compose().path("services").path("topics").path("command").get(0).asText();
        Map<String, String> created = new TreeMap<>();
        Matcher m = Pattern.compile("(?m)^create --topic (\\S+) --partitions (\\d+)((?: --config \\S+)*)\\s*$").matcher(script);
        while (m.find()) {
            created.put(m.group(1), m.group(2) + " " + new TreeMap<>(configs(m.group(3))));
        }
        Map<String, String> expected = new TreeMap<>();
        for (Topics.Spec s : Topics.all()) {
            expected.put(s.name(), s.defaultPartitions() + " " + new TreeMap<>(s.configs()));
        }
        assertThat(created).as("topics created by compose's topics service").isEqualTo(expected);
    }

    private static Map<String, String> configs(String flags) {
        Map<String, String> c = new HashMap<>();
        for (String kv : flags.replace("--config", " ").trim().split("\\s+")) {
            if (!kv.isEmpty()) {
                c.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
        }
        return c;
    }

    @Test
    void shouldRunAKraftBrokerOfTheClientsVersion() throws Exception {
        JsonNode kafka = compose().path("services").path("kafka");
        String pom = Files.readString(Repo.file("pom.xml"));
        Matcher v = Pattern.compile("<kafka.version>([^<]+)</kafka.version>").matcher(pom);
        assertThat(v.find()).isTrue();
        assertThat(kafka.path("image").asText()).isEqualTo("apache/kafka:" + v.group(1));
        assertThat(compose().path("services").path("topics").path("image").asText()).isEqualTo("apache/kafka:" + v.group(1));
        JsonNode env = kafka.path("environment");
        assertThat(env.path("KAFKA_PROCESS_ROLES").asText()).isEqualTo("broker,controller");
        Uuid.fromString(env.path("CLUSTER_ID").asText()); // throws unless a valid KRaft cluster id
        assertThat(env.path("KAFKA_AUTO_CREATE_TOPICS_ENABLE").asText()).isEqualTo("false");
    }

    @Test
    void shouldRunServicesWithRealCommandsAndValidConfigs() throws Exception {
        JsonNode services = compose().path("services");
        JsonNode worker = services.path("worker");
        List<String> args = Contract.strings(worker.path("command"));
        Contract.assertValidCommand(args);
        Path workerYaml = mountedFile(worker, args.get(args.indexOf("--config") + 1));
        WorkerConfig wc = Contract.workerConfig(Files.readString(workerYaml), Map.of());
        assertThat(wc.http().host()).isEqualTo("0.0.0.0");
        assertThat(wc.http().port()).isEqualTo(Contract.WORKER_PORT);
        assertThat(wc.kafka().bootstrapServers()).isEqualTo("kafka:9092");
        Set<String> mounts = mountTargets(worker);
        for (Path p : wc.store().inputRoots()) {
            assertThat(mounts).as("input root %s is a volume", p).contains(p.toString());
        }
        assertThat(wc.store().outputRoot().startsWith("/var/lib/brainseg/scans")).isTrue();
        assertThat(wc.model().follows()).as("workers follow brainseg.models (no pinned directory)").isTrue();
        assertThat(wc.model().registryRoot().toString()).as("registry volume").isEqualTo("/var/lib/brainseg/registry");
        assertThat(mounts(worker)).containsEntry("registry", wc.model().registryRoot().toString());

        JsonNode trainer = services.path("trainer");
        List<String> targs = Contract.strings(trainer.path("command"));
        Contract.assertValidCommand(targs);
        TrainerConfig tc = Contract.trainerConfig(Files.readString(mountedFile(trainer, targs.get(targs.indexOf("--config") + 1))),
                Map.of());
        assertThat(tc.http().host()).isEqualTo("0.0.0.0");
        assertThat(tc.http().port()).isEqualTo(Contract.TRAINER_PORT);
        assertThat(Contract.strings(trainer.path("ports"))).contains(Contract.TRAINER_PORT + ":" + Contract.TRAINER_PORT);
        assertThat(tc.kafka().bootstrapServers()).isEqualTo(wc.kafka().bootstrapServers());
        // the trainer writes where the workers read, under the name they follow
        assertThat(tc.registry().root()).isEqualTo(wc.model().registryRoot());
        assertThat(tc.registry().modelName()).isEqualTo(wc.model().name());
        assertThat(mounts(trainer)).containsEntry("registry", tc.registry().root().toString());
        Set<String> trainerMounts = mountTargets(trainer);
        for (Path root : tc.data().roots()) {
            assertThat(trainerMounts).as("data root %s is a volume", root).contains(root.toString());
        }

        // the first model: a retrain request the trainer serves, on a dataset it may read, mounted where it reads it
        JsonNode boot = services.path("bootstrap-model");
        List<String> bargs = Contract.strings(boot.path("command")).stream().map(DeployFilesTest::withDefaults).toList();
        Contract.assertValidCommand(bargs);
        assertThat(bargs.get(0)).isEqualTo("retrain");
        assertThat(bargs.get(bargs.indexOf("--bootstrap") + 1)).isEqualTo(wc.kafka().bootstrapServers());
        assertThat(bargs).contains("--request-id");
        Path dataset = Path.of(bargs.get(bargs.indexOf("--dataset") + 1));
        assertThat(tc.data().roots()).as("the trainer may read %s", dataset).anyMatch(dataset::startsWith);
        assertThat(mounts(boot)).as("retrain checks the dataset where the trainer reads it")
                .containsEntry("../data", "/var/lib/brainseg/data").containsEntry("../data", mounts(trainer).get("../data"));
        assertThat(boot.path("depends_on").has("topics")).isTrue();
        for (String s : List.of("worker", "trainer")) {
            assertThat(services.path(s).path("depends_on").has("bootstrap-model")).as("%s waits for no one-shot model", s).isFalse();
        }
    }

    @Test
    void shouldKeepTheTrainerConfigsToTheDocumentedKeys() throws Exception {
        Path example = Repo.file("deploy/trainer.example.yaml");
        Set<String> documented = Contract.keyPaths(Repo.YAML.readTree(example.toFile()), "");
        assertThat(documented).as("every key the trainer reads is documented").containsAll(
                TrainerConfigLoader.keys().stream().filter(k -> !k.equals("autoRetrain.datasetUri")).toList());
        Contract.trainerConfig(Files.readString(example), Map.of()); // the example itself loads
        for (String f : List.of("deploy/config/trainer.yaml", "deploy/k8s/base/trainer.yaml")) {
            assertThat(documented).as("keys of %s documented in %s", f, example).containsAll(Contract.keyPaths(Repo.yaml(f), ""));
            TrainerConfig c = Contract.trainerConfig(Files.readString(Repo.file(f)), Map.of());
            assertThat(c.registry().modelName()).as(f).isEqualTo("brainseg");
            assertThat(c.http().port()).as(f).isEqualTo(Contract.TRAINER_PORT);
        }
    }

    /** A compose ${VAR:-default} as compose resolves it without VAR set. */
    private static String withDefaults(String s) {
        return s.replaceAll("\\$\\{\\w+:-([^}]*)}", "$1");
    }

    @Test
    void shouldWirePrometheusAndGrafanaToMonitoring() throws Exception {
        JsonNode services = compose().path("services");
        Map<String, String> prom = mounts(services.path("prometheus"));
        assertThat(prom).containsEntry("../monitoring/prometheus.yml", "/etc/prometheus/prometheus.yml")
                .containsEntry("../monitoring/rules", "/etc/prometheus/rules");
        Map<String, String> grafana = mounts(services.path("grafana"));
        assertThat(grafana).containsEntry("../monitoring/grafana/provisioning", "/etc/grafana/provisioning")
                .containsEntry("../monitoring/grafana/dashboards", "/var/lib/grafana/dashboards");
        for (String source : List.copyOf(prom.keySet()) ) {
            if (source.startsWith("..")) {
                assertThat(Repo.root().resolve("deploy").resolve(source).normalize()).exists();
            }
        }
        JsonNode provider = Repo.yaml("monitoring/grafana/provisioning/dashboards/brainseg.yaml").path("providers").get(0);
        assertThat(provider.path("options").path("path").asText()).isEqualTo("/var/lib/grafana/dashboards");
        JsonNode ds = Repo.yaml("monitoring/grafana/provisioning/datasources/prometheus.yaml").path("datasources").get(0);
        assertThat(ds.path("url").asText()).isEqualTo("http://prometheus:9090");
        Set<String> uids = new TreeSet<>();
        Repo.json(Monitoring.DASHBOARD).findValues("datasource").forEach(d -> uids.add(d.path("uid").asText()));
        assertThat(uids).as("datasource uids of the dashboard").containsExactly(ds.path("uid").asText());

        // scrape targets: the services' ports, the jobs the rules select
        Map<String, String> jobs = new LinkedHashMap<>();
        for (JsonNode c : Repo.yaml(Monitoring.PROMETHEUS).path("scrape_configs")) {
            jobs.put(c.path("job_name").asText(), c.toString());
        }
        assertThat(jobs.get("brainseg-worker")).contains("\"names\":[\"worker\"]").contains("\"port\":" + Contract.WORKER_PORT);
        assertThat(jobs.get("brainseg-trainer")).contains("trainer:" + Contract.TRAINER_PORT);
        String rules = Files.readString(Repo.file(Monitoring.RULES));
        Matcher job = Pattern.compile("job=\"([^\"]+)\"").matcher(rules);
        while (job.find()) {
            assertThat(jobs).as("job %s in the rules", job.group(1)).containsKey(job.group(1));
        }
    }

    @Test
    void shouldBuildNonRootImagesOfTheCliThatRunRealCommands() throws Exception {
        Map<String, List<String>> stages = Dockerfile.stages(Files.readString(Repo.file(DOCKERFILE)));
        assertThat(stages).containsKeys("build", "build-cuda", "worker", "trainer", "worker-cuda", "trainer-cuda");
        assertThat(String.join("\n", stages.get("build"))).contains("mvn -B -DskipTests package -pl cli -am")
                .contains("cli/target/brainseg.jar cli/target/lib");
        assertThat(String.join("\n", stages.get("build-cuda"))).contains("mvn -B -DskipTests package -pl cli -am -Pcuda");
        assertThat(Files.readString(Repo.file("pom.xml"))).contains("<id>cuda</id>");
        String cliPom = Files.readString(Repo.file("cli/pom.xml"));
        assertThat(cliPom).contains("<finalName>brainseg</finalName>").contains("${project.build.directory}/lib")
                .contains("<classpathPrefix>lib/</classpathPrefix>");
        assertThat(Files.readString(Repo.file("deploy/image/brainseg"))).contains("-Dai.djl.offline=true")
                .contains("-jar /opt/brainseg/brainseg.jar");
        assertThat(Repo.file("deploy/image/brainseg")).isExecutable();
        // the entry point sources the allocator settings (as ./brainseg does); both runtime bases copy them
        assertThat(Files.readString(Repo.file("deploy/image/brainseg"))).contains(". /usr/local/lib/brainseg/allocator.sh");
        assertThat(Files.readString(Repo.file("deploy/image/allocator.sh"))).contains("MALLOC_ARENA_MAX").contains("BRAINSEG_GLIBC_MALLOC");
        for (String base : List.of("runtime-cpu", "runtime-cuda")) {
            assertThat(stages.get(base)).as(base).contains("COPY deploy/image/allocator.sh /usr/local/lib/brainseg/allocator.sh");
        }
        Map<String, Integer> ports = Map.of("worker", Contract.WORKER_PORT, "trainer", Contract.TRAINER_PORT);
        for (String service : List.of("worker", "trainer")) {
            for (String stage : List.of(service, service + "-cuda")) {
                String text = String.join("\n", stages.get(stage));
                int port = ports.get(service);
                assertThat(text).as(stage).contains("USER 10001:10001").contains("EXPOSE " + port)
                        .contains("HEALTHCHECK").contains("http://127.0.0.1:" + port + "/health/live")
                        .contains("ENTRYPOINT [\"brainseg\"]");
                String cmd = stages.get(stage).stream().filter(l -> l.startsWith("CMD ")).findFirst().orElseThrow();
                List<String> args = Contract.strings(Repo.JSON.readTree(cmd.substring(4)));
                assertThat(args.get(0)).isEqualTo(service);
                Contract.assertValidCommand(args);
            }
        }
        List<String> ignored = Files.readString(Repo.file(".dockerignore")).lines().filter(l -> !l.startsWith("#")).toList();
        assertThat(ignored).contains("**/target").noneMatch(l -> l.startsWith("deploy") || l.contains("pom") || l.contains("src"));
        // the shipped model is packed into the model jar by the image's Maven build: it must reach the build context
        assertThat(ignored.indexOf("!models/default")).as("models/default is re-included after any models exclusion")
                .isGreaterThan(ignored.indexOf("models"));
    }

    private static JsonNode compose() throws Exception {
        return Repo.yaml(COMPOSE);
    }

    /** Volume source (relative to deploy/, as compose resolves it) to container path. */
    private static Map<String, String> mounts(JsonNode service) {
        Map<String, String> m = new LinkedHashMap<>();
        for (JsonNode v : service.path("volumes")) {
            // ${VAR:-default} as compose resolves it without VAR set
            String[] parts = v.asText().replaceAll("\\$\\{\\w+:-([^}]*)}", "$1").split(":");
            m.put(parts[0], parts[1]);
        }
        return m;
    }

    private static Set<String> mountTargets(JsonNode service) {
        return new TreeSet<>(mounts(service).values());
    }

    /** The repository file a service mounts at a container path. */
    private static Path mountedFile(JsonNode service, String containerPath) {
        for (Map.Entry<String, String> e : mounts(service).entrySet()) {
            if (e.getValue().equals(containerPath)) {
                return Repo.file(Repo.root().relativize(Repo.root().resolve("deploy").resolve(e.getKey()).normalize()).toString());
            }
        }
        throw new AssertionError("nothing mounted at " + containerPath);
    }
}
