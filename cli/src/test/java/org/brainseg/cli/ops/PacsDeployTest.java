package org.brainseg.cli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.brainseg.pacs.config.PacsConfig;
import org.brainseg.pacs.config.PacsConfigLoader;
import org.brainseg.worker.config.WorkerConfig;
import org.junit.jupiter.api.Test;

/**
 * The PACS bridge and Orthanc in compose: a real command with a config that loads, writing where the
 * workers read, reading masks where they write, on the same scans volume; Orthanc's config asks for
 * the credentials the bridge sends. Static: no Docker engine on the build machines.
 */
class PacsDeployTest {
    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(a -> out.add(a.asText()));
        return out;
    }

    static PacsConfig pacsConfig(String yaml) throws Exception {
        Path f = Files.createTempFile("pacs", ".yaml");
        try {
            Files.writeString(f, yaml);
            return PacsConfigLoader.load(f, Map.of("BRAINSEG_ORTHANC_PASSWORD", "from-the-environment"));
        } finally {
            Files.delete(f);
        }
    }

    @Test
    void shouldRunTheBridgeInComposeOnTheWorkersScansVolume() throws Exception {
        JsonNode services = Repo.yaml(DeployFilesTest.COMPOSE).path("services");
        JsonNode bridge = services.path("pacs-bridge");
        List<String> args = strings(bridge.path("command"));
        Contract.assertValidCommand(args);
        assertThat(args.get(0)).isEqualTo("pacs-bridge");
        assertThat(strings(bridge.path("volumes"))).contains("./config/pacs-bridge.yaml:/etc/brainseg/pacs-bridge.yaml:ro");
        PacsConfig pc = pacsConfig(Files.readString(Repo.file("deploy/config/pacs-bridge.yaml")));
        WorkerConfig wc = Contract.workerConfig(Files.readString(Repo.file("deploy/config/worker.yaml")), Map.of());
        assertThat(pc.kafka().bootstrapServers()).isEqualTo(wc.kafka().bootstrapServers());
        assertThat(wc.store().inputRoots()).as("the workers may read %s", pc.store().inputDir())
                .anyMatch(pc.store().inputDir()::startsWith);
        assertThat(pc.store().maskRoots()).as("the bridge may read the masks").anyMatch(wc.store().outputRoot()::startsWith);
        assertThat(strings(bridge.path("volumes"))).as("the same scans volume as the workers")
                .contains("scans:/var/lib/brainseg/scans").anyMatch(v -> v.endsWith(":" + pc.store().positionFile().getParent()));
        assertThat(strings(services.path("worker").path("volumes"))).contains("scans:/var/lib/brainseg/scans");
        assertThat(bridge.path("environment").path("BRAINSEG_ORTHANC_PASSWORD").asText()).startsWith("${ORTHANC_PASSWORD");
        assertThat(pc.http().host()).isEqualTo("0.0.0.0");
        assertThat(strings(bridge.path("expose"))).contains(Integer.toString(pc.http().port()));

        JsonNode orthanc = services.path("orthanc");
        assertThat(pc.orthanc().url().getHost()).isEqualTo("orthanc");
        assertThat(strings(orthanc.path("ports"))).contains(pc.orthanc().url().getPort() + ":" + pc.orthanc().url().getPort());
        assertThat(strings(orthanc.path("volumes"))).contains("./config/orthanc.json:/etc/orthanc/orthanc.json:ro");
        JsonNode oc = Repo.json("deploy/config/orthanc.json");
        assertThat(oc.path("HttpPort").asInt()).isEqualTo(pc.orthanc().url().getPort());
        assertThat(oc.path("AuthenticationEnabled").asBoolean()).isTrue();
        assertThat(oc.path("RegisteredUsers").has(pc.orthanc().username())).isTrue();
        assertThat(oc.path("RegisteredUsers").path(pc.orthanc().username()).asText()).isEqualTo("${ORTHANC_PASSWORD}");
    }

    @Test
    void shouldRenderOneBridgeOnTheWorkersScansClaimInTheKubernetesBase() throws Exception {
        List<JsonNode> base = KustomizeTest.render("deploy/k8s/base");
        JsonNode d = KustomizeTest.find(base, "Deployment", "brainseg-pacs-bridge");
        assertThat(d.path("spec").path("replicas").asInt()).as("one bridge per Orthanc").isEqualTo(1);
        assertThat(d.path("spec").path("strategy").path("type").asText()).as("never two at once").isEqualTo("Recreate");
        JsonNode c = KustomizeTest.container(d);
        List<String> args = strings(c.path("args"));
        Contract.assertValidCommand(args);
        PacsConfig pc = pacsConfig(KustomizeTest.configFile(base, d));
        WorkerConfig wc = Contract.workerConfig(KustomizeTest.configFile(base, KustomizeTest.find(base, "Deployment", "brainseg-worker")),
                Map.of());
        assertThat(pc.kafka().bootstrapServers()).isEqualTo(wc.kafka().bootstrapServers());
        assertThat(wc.store().inputRoots()).anyMatch(pc.store().inputDir()::startsWith);
        assertThat(pc.store().maskRoots()).anyMatch(wc.store().outputRoot()::startsWith);
        assertThat(c.path("ports").get(0).path("containerPort").asInt()).isEqualTo(pc.http().port());
        assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/health/ready");
        assertThat(secretKey(c, "BRAINSEG_ORTHANC_PASSWORD")).as("the password from a Secret").isNotNull();
        Map<String, String> claims = new java.util.HashMap<>();
        d.path("spec").path("template").path("spec").path("volumes").forEach(v ->
                claims.put(v.path("name").asText(), v.path("persistentVolumeClaim").path("claimName").asText()));
        Map<String, String> mounts = new java.util.HashMap<>();
        c.path("volumeMounts").forEach(m -> mounts.put(m.path("mountPath").asText(), m.path("name").asText()));
        assertThat(claims.get(mounts.get("/var/lib/brainseg/scans"))).isEqualTo("brainseg-scans");
        assertThat(claims.get(mounts.get(pc.store().positionFile().getParent().toString()))).isEqualTo("brainseg-pacs-state");
        KustomizeTest.find(base, "PersistentVolumeClaim", "brainseg-pacs-state");
        JsonNode pm = KustomizeTest.find(base, "PodMonitor", "brainseg-pacs-bridge");
        JsonNode labels = d.path("spec").path("template").path("metadata").path("labels");
        assertThat(labels.path(pm.path("spec").path("jobLabel").asText()).asText()).isEqualTo("brainseg-pacs-bridge");
        assertThat(pm.path("spec").path("podMetricsEndpoints").get(0).path("port").asText()).isEqualTo("http");

        // the in-cluster Orthanc the bridge's orthanc.url names: same port, same user, the password from the same Secret key
        assertThat(pc.orthanc().url().getHost()).isEqualTo("orthanc");
        JsonNode service = KustomizeTest.find(base, "Service", "orthanc");
        List<Integer> servicePorts = new ArrayList<>();
        service.path("spec").path("ports").forEach(p -> servicePorts.add(p.path("port").asInt()));
        assertThat(servicePorts).contains(pc.orthanc().url().getPort());
        JsonNode od = KustomizeTest.find(base, "Deployment", "orthanc");
        assertThat(od.path("spec").path("strategy").path("type").asText()).as("one Orthanc on its RWO volume").isEqualTo("Recreate");
        assertThat(od.path("spec").path("selector").path("matchLabels"))
                .isEqualTo(service.path("spec").path("selector"));
        JsonNode oc = KustomizeTest.container(od);
        assertThat(secretKey(oc, "ORTHANC_PASSWORD")).isEqualTo(secretKey(c, "BRAINSEG_ORTHANC_PASSWORD"))
                .isEqualTo("brainseg-pacs/orthanc-password");
        String mountedConfig = null;
        for (JsonNode m : oc.path("volumeMounts")) {
            if (m.path("mountPath").asText().equals("/etc/orthanc/orthanc.json")) {
                for (JsonNode v : od.path("spec").path("template").path("spec").path("volumes")) {
                    if (v.path("name").asText().equals(m.path("name").asText())) {
                        mountedConfig = KustomizeTest.find(base, "ConfigMap", v.path("configMap").path("name").asText()).path("data")
                                .path(m.path("subPath").asText()).asText();
                    }
                }
            }
        }
        assertThat(mountedConfig).as("orthanc.json mounted from a ConfigMap").isNotNull();
        assertThat(Repo.JSON.readTree(mountedConfig)).as("the cluster's Orthanc config is compose's")
                .isEqualTo(Repo.json("deploy/config/orthanc.json"));
        JsonNode ocfg = Repo.JSON.readTree(mountedConfig);
        assertThat(ocfg.path("HttpPort").asInt()).isEqualTo(pc.orthanc().url().getPort());
        assertThat(ocfg.path("RegisteredUsers").path(pc.orthanc().username()).asText()).isEqualTo("${ORTHANC_PASSWORD}");
        KustomizeTest.find(base, "PersistentVolumeClaim", "brainseg-orthanc-db");
    }

    /** "secret/key" of an env var taken from a Secret, or null. */
    static String secretKey(JsonNode container, String name) {
        for (JsonNode e : container.path("env")) {
            if (e.path("name").asText().equals(name) && e.path("valueFrom").has("secretKeyRef")) {
                JsonNode r = e.path("valueFrom").path("secretKeyRef");
                return r.path("name").asText() + "/" + r.path("key").asText();
            }
        }
        return null;
    }

    @Test
    void shouldScrapeTheBridgeInCompose() throws Exception {
        String job = null;
        for (JsonNode c : Repo.yaml(Monitoring.PROMETHEUS).path("scrape_configs")) {
            if (c.path("job_name").asText().equals("brainseg-pacs-bridge")) {
                job = c.toString();
            }
        }
        PacsConfig pc = pacsConfig(Files.readString(Repo.file("deploy/config/pacs-bridge.yaml")));
        assertThat(job).as("a brainseg-pacs-bridge scrape job").isNotNull().contains("pacs-bridge:" + pc.http().port());
    }
}
