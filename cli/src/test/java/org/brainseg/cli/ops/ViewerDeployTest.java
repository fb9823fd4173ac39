package org.brainseg.cli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.brainseg.viewer.config.ViewerConfig;
import org.brainseg.viewer.config.ViewerConfigLoader;
import org.brainseg.worker.config.WorkerConfig;
import org.junit.jupiter.api.Test;

/**
 * The viewer in deploy/ and monitoring/: a real command with a valid config in compose, the image
 * and Kubernetes; it may read what the workers read and write, mounted read-only; its port is
 * published, probed and scraped.
 */
class ViewerDeployTest {
    static final int VIEWER_PORT = 8090;

    static ViewerConfig viewerConfig(String yaml) throws Exception {
        Path f = Files.createTempFile("viewer", ".yaml");
        // the secret files are mounted where the viewer runs; here a stand-in takes their place, so that the
        // load (which reads them and refuses a missing or empty one) checks the rest of the file
        Path secret = Files.writeString(Files.createTempFile("viewer-secret", ""), "stand-in");
        try {
            Files.writeString(f, yaml.replaceAll("(?m)^([ \\t]*(?:clientSecretFile|proxySecretFile):)[ \\t]*[^\\s#]+[ \\t]*$",
                    "$1 " + secret));
            return ViewerConfigLoader.load(f, Map.of());
        } finally {
            Files.delete(f);
            Files.delete(secret);
        }
    }

    @Test
    void shouldDocumentEveryKeyAndLoadEachConfig() throws Exception {
        Set<String> documented = Contract.keyPaths(Repo.yaml("deploy/viewer.example.yaml"), "");
        assertThat(documented).containsAll(ViewerConfigLoader.keys());
        viewerConfig(Files.readString(Repo.file("deploy/viewer.example.yaml")));
        for (String f : List.of("deploy/config/viewer.yaml", "deploy/k8s/base/viewer.yaml")) {
            assertThat(documented).as(f).containsAll(Contract.keyPaths(Repo.yaml(f), ""));
            ViewerConfig c = viewerConfig(Files.readString(Repo.file(f)));
            assertThat(c.http().host()).as(f).isEqualTo("0.0.0.0");
            assertThat(c.http().port()).as(f).isEqualTo(VIEWER_PORT);
            assertThat(c.auth().mode()).as("%s serves all interfaces, so people sign in", f).isEqualTo(ViewerConfig.AuthMode.OIDC);
            assertThat(c.auth().clientSecretFile()).as(f).isNotNull();
        }
    }

    @Test
    void shouldRunInComposeOnWhatTheWorkersReadAndWriteReadOnly() throws Exception {
        JsonNode services = Repo.yaml(DeployFilesTest.COMPOSE).path("services");
        JsonNode viewer = services.path("viewer");
        List<String> args = Contract.strings(viewer.path("command"));
        Contract.assertValidCommand(args);
        assertThat(args.get(0)).isEqualTo("viewer");
        assertThat(args.get(args.indexOf("--config") + 1)).isEqualTo("/etc/brainseg/viewer.yaml");
        assertThat(Contract.strings(viewer.path("volumes"))).contains("./config/viewer.yaml:/etc/brainseg/viewer.yaml:ro")
                .allSatisfy(v -> assertThat(v).endsWith(":ro"));
        assertThat(Contract.strings(viewer.path("ports"))).contains(VIEWER_PORT + ":" + VIEWER_PORT);
        // published on all interfaces: TLS from compose's secrets, and the OIDC issuer and client required from the user
        JsonNode env = viewer.path("environment");
        assertThat(env.path("BRAINSEG_HTTP_TLS_CERTIFICATE").asText()).isEqualTo("/run/secrets/viewer-tls-crt");
        assertThat(env.path("BRAINSEG_HTTP_TLS_KEY").asText()).isEqualTo("/run/secrets/viewer-tls-key");
        assertThat(env.path("BRAINSEG_AUTH_ISSUER").asText()).startsWith("${BRAINSEG_OIDC_ISSUER:?");
        assertThat(Contract.strings(viewer.path("secrets"))).contains("oidc-client-secret", "viewer-tls-crt", "viewer-tls-key");
        assertThat(Repo.yaml(DeployFilesTest.COMPOSE).path("secrets").path("oidc-client-secret").path("file").asText())
                .isEqualTo("./secrets/oidc-client-secret");
        ViewerConfig vc = viewerConfig(Files.readString(Repo.file("deploy/config/viewer.yaml")));
        WorkerConfig wc = Contract.workerConfig(Files.readString(Repo.file("deploy/config/worker.yaml")), Map.of());
        assertThat(vc.kafka().bootstrapServers()).isEqualTo(wc.kafka().bootstrapServers());
        for (Path p : wc.store().inputRoots()) {
            assertThat(vc.store().roots()).as("the viewer may read %s", p).anyMatch(p::startsWith);
        }
        assertThat(vc.store().roots()).as("and the masks").anyMatch(wc.store().outputRoot()::startsWith);
        JsonNode scrape = null;
        for (JsonNode c : Repo.yaml(Monitoring.PROMETHEUS).path("scrape_configs")) {
            if (c.path("job_name").asText().equals("brainseg-viewer")) {
                scrape = c;
            }
        }
        assertThat(scrape).as("a brainseg-viewer scrape job").isNotNull();
        assertThat(scrape.toString()).contains("viewer:" + VIEWER_PORT);
    }

    @Test
    void shouldBuildAViewerImageThatServesItsPort() throws Exception {
        Map<String, List<String>> stages = Dockerfile.stages(Files.readString(Repo.file(DeployFilesTest.DOCKERFILE)));
        String text = String.join("\n", stages.get("viewer"));
        assertThat(text).contains("USER 10001:10001").contains("EXPOSE " + VIEWER_PORT)
                .contains("http://127.0.0.1:" + VIEWER_PORT + "/health/live").contains("ENTRYPOINT [\"brainseg\"]");
        String cmd = stages.get("viewer").stream().filter(l -> l.startsWith("CMD ")).findFirst().orElseThrow();
        Contract.assertValidCommand(Contract.strings(Repo.JSON.readTree(cmd.substring(4))));
        List<String> names = new ArrayList<>(stages.keySet());
        assertThat(names.get(names.size() - 1)).as("the worker stays the default target").isEqualTo("worker");
    }

    @Test
    void shouldRenderADeploymentServiceAndPodMonitorInTheKubernetesBase() throws Exception {
        List<JsonNode> base = KustomizeTest.render("deploy/k8s/base");
        JsonNode d = KustomizeTest.find(base, "Deployment", "brainseg-viewer");
        JsonNode c = KustomizeTest.container(d);
        List<String> args = Contract.strings(c.path("args"));
        Contract.assertValidCommand(args);
        ViewerConfig vc = viewerConfig(KustomizeTest.configFile(base, d));
        WorkerConfig wc = Contract.workerConfig(KustomizeTest.configFile(base, KustomizeTest.find(base, "Deployment", "brainseg-worker")),
                Map.of());
        assertThat(vc.kafka().bootstrapServers()).isEqualTo(wc.kafka().bootstrapServers());
        assertThat(vc.store().roots()).anyMatch(wc.store().outputRoot()::startsWith);
        assertThat(c.path("ports").get(0).path("containerPort").asInt()).isEqualTo(VIEWER_PORT);
        assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/health/ready");
        assertThat(c.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/health/live");
        c.path("volumeMounts").forEach(m -> {
            if (m.path("mountPath").asText().startsWith("/var/lib/brainseg")) {
                assertThat(m.path("readOnly").asBoolean()).as("%s read-only", m.path("mountPath")).isTrue();
            }
        });
        JsonNode labels = d.path("spec").path("template").path("metadata").path("labels");
        JsonNode svc = KustomizeTest.find(base, "Service", "brainseg-viewer");
        svc.path("spec").path("selector").fields().forEachRemaining(e ->
                assertThat(labels.path(e.getKey()).asText()).isEqualTo(e.getValue().asText()));
        JsonNode pm = KustomizeTest.find(base, "PodMonitor", "brainseg-viewer");
        assertThat(labels.path(pm.path("spec").path("jobLabel").asText()).asText()).isEqualTo("brainseg-viewer");
        assertThat(pm.path("spec").path("podMetricsEndpoints").get(0).path("path").asText()).isEqualTo("/metrics");
    }
}
