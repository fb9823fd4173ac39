package org.brainseg.worker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.brainseg.service.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkerConfigLoaderTest {
    @TempDir
    Path tmp;

    private static final String MINIMAL = """
            kafka:
              bootstrapServers: localhost:9092
            store:
              inputRoots: [/data/scans]
              outputRoot: /data/masks
            model:
              directory: /models/brainseg/1
            """;

    private Path file(String yaml) throws Exception {
        return Files.writeString(tmp.resolve("worker.yaml"), yaml);
    }

    @Test
    void shouldFillDefaultsAroundTheEssentials() throws Exception {
        WorkerConfig c = WorkerConfigLoader.load(file(MINIMAL), Map.of("HOSTNAME", "w1"));
        assertThat(c.kafka().groupId()).isEqualTo("brainseg-workers");
        assertThat(c.kafka().transactionalId()).isEqualTo("brainseg-worker-w1");
        assertThat(c.kafka().maxPollIntervalMs()).isEqualTo(600_000);
        assertThat(c.inference().threads()).isEqualTo(1);
        assertThat(c.inference().maxInFlight()).isEqualTo(2);
        assertThat(c.http().host()).isEqualTo("127.0.0.1");
        assertThat(c.store().inputRoots()).containsExactly(Path.of("/data/scans"));
        assertThat(c.model().device()).isEqualTo("auto");
    }

    @Test
    void shouldLetTheEnvironmentOverrideTheFile() throws Exception {
        WorkerConfig c = WorkerConfigLoader.load(file(MINIMAL), Map.of(
                "BRAINSEG_KAFKA_BOOTSTRAP_SERVERS", "broker:9093",
                "BRAINSEG_INFERENCE_MAX_IN_FLIGHT", "8",
                "BRAINSEG_STORE_INPUT_ROOTS", "/a, /b",
                "BRAINSEG_KAFKA_PROPERTY_SECURITY_PROTOCOL", "SASL_SSL",
                "BRAINSEG_KAFKA_PROPERTY_SASL_MECHANISM", "SCRAM-SHA-512"));
        assertThat(c.kafka().bootstrapServers()).isEqualTo("broker:9093");
        assertThat(c.inference().maxInFlight()).isEqualTo(8);
        assertThat(c.store().inputRoots()).containsExactly(Path.of("/a"), Path.of("/b"));
        assertThat(c.kafka().properties()).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-512");
    }

    @Test
    void shouldPassKafkaSecuritySettingsThrough() throws Exception {
        WorkerConfig c = WorkerConfigLoader.load(file(MINIMAL.replace("  bootstrapServers: localhost:9092",
                "  bootstrapServers: localhost:9092\n  properties:\n    security.protocol: SSL\n    ssl.truststore.location: /etc/ca.p12")), Map.of());
        assertThat(c.kafka().properties()).containsEntry("ssl.truststore.location", "/etc/ca.p12");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "kafka:\\n  bootstrapServers: ''\\n|kafka.bootstrapServers",
        "inference:\\n  threads: 0\\n|inference.threads",
        "inference:\\n  threads: 4\\n  maxInFlight: 2\\n|inference.maxInFlight",
        "inference:\\n  threads: lots\\n|inference.threads: must be an integer",
        "inference:\\n  tta: maybe\\n|inference.tta",
        "http:\\n  port: 70000\\n|http.port",
        "model:\\n  directory: /m\\n  device: tpu\\n|model.device",
        "retry:\\n  maxAttempts: 0\\n|retry.maxAttempts",
        "kafka:\\n  bootstrapServers: b:1\\n  maxPollIntervalMs: 5\\n|kafka.maxPollIntervalMs",
        "kafak:\\n  x: 1\\n|kafak: unknown section",
        "kafka:\\n  bootstrapServer: x\\n|kafka.bootstrapServer: unknown key",
        "store: [1, 2]\\n|store: must be a mapping",
        "model:\\n  device: cpu\\n|model.registryRoot: is required to follow brainseg.models",
        "model:\\n  directory: /m\\n  registryRoot: /models\\n|model.directory: and model.registryRoot are exclusive",
        "model:\\n  registryRoot: /\\n|model.registryRoot: must not be the file system root",
        "model:\\n  registryRoot: /models\\n  name: ../etc\\n|model.name: must be 1-64 characters",
        "model:\\n  registryRoot: /models\\n  name: ''\\n|model.name",
        "model:\\n  registryRoot: /models\\n  name: [a]\\n|model.name: must be a single value",
        "model:\\n  registryRoot: /models\\n  follow: true\\n|model.follow: unknown key",
    })
    void shouldStopStartUpNamingTheBadKey(String override, String expected) throws Exception {
        String yaml = override.replace("\\n", "\n");
        // the override's section replaces the minimal one
        String section = yaml.substring(0, yaml.indexOf(':'));
        StringBuilder merged = new StringBuilder(yaml);
        for (String block : MINIMAL.split("(?m)^(?=\\S)")) {
            if (!block.startsWith(section + ":")) {
                merged.append(block);
            }
        }
        Path f = file(merged.toString());
        assertThatThrownBy(() -> WorkerConfigLoader.load(f, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(expected);
    }

    @Test
    void shouldFollowTheModelsTopicWhenNoDirectoryIsPinned() throws Exception {
        WorkerConfig c = WorkerConfigLoader.load(file(MINIMAL.replace("  directory: /models/brainseg/1", "  registryRoot: /models")),
                Map.of());
        assertThat(c.model().follows()).isTrue();
        assertThat(c.model().name()).isEqualTo("brainseg");
        assertThat(c.model().registryRoot()).isEqualTo(Path.of("/models"));
        assertThat(c.model().directory()).isNull();
        WorkerConfig pinned = WorkerConfigLoader.load(file(MINIMAL), Map.of());
        assertThat(pinned.model().follows()).isFalse();
        assertThat(pinned.model().registryRoot()).isNull();
    }

    @Test
    void shouldSwitchModesFromTheEnvironment() throws Exception {
        // the example file follows; a blank registryRoot and a directory pin one version instead
        WorkerConfig c = WorkerConfigLoader.load(file(MINIMAL.replace("  directory: /models/brainseg/1", "  registryRoot: /models")),
                Map.of("BRAINSEG_MODEL_REGISTRY_ROOT", "", "BRAINSEG_MODEL_DIRECTORY", "/pinned/3", "BRAINSEG_MODEL_NAME", "tumour"));
        assertThat(c.model().follows()).isFalse();
        assertThat(c.model().directory()).isEqualTo(Path.of("/pinned/3"));
        assertThat(c.model().name()).isEqualTo("tumour");
    }

    @Test
    void shouldNameTheKeyOfAPathThatCannotExist() throws Exception {
        Path f = file(MINIMAL);
        assertThatThrownBy(() -> WorkerConfigLoader.load(f, Map.of("BRAINSEG_MODEL_DIRECTORY", "", "BRAINSEG_MODEL_REGISTRY_ROOT",
                "/models\0/x"))).isInstanceOf(ConfigException.class).hasMessageContaining("model.registryRoot: not a valid path");
        assertThatThrownBy(() -> WorkerConfigLoader.load(f, Map.of("BRAINSEG_STORE_INPUT_ROOTS", "/a,/b\0c")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("store.inputRoots: not a valid path");
    }

    @Test
    void shouldLoadTheExampleConfiguration() throws Exception {
        WorkerConfig c = WorkerConfigLoader.load(Path.of("../deploy/worker.example.yaml"), Map.of());
        assertThat(c.model().follows()).isTrue();
        assertThat(c.model().name()).isEqualTo("brainseg");
    }

    @Test
    void shouldRejectAFileThatIsNotYaml() throws Exception {
        assertThatThrownBy(() -> WorkerConfigLoader.load(file("kafka: [unclosed"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> WorkerConfigLoader.load(file("- a\n- b\n"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("mapping");
    }

    @Test
    void shouldRefuseBinaryAndOversizedFilesButTakeAnEmptySectionAsDefaults() throws Exception {
        Path bin = Files.write(tmp.resolve("bin.yaml"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, (byte) 0xc3});
        assertThatThrownBy(() -> WorkerConfigLoader.load(bin, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("not UTF-8 text");
        Path big = file(MINIMAL + "#" + "x".repeat(1 << 20) + "\n");
        assertThatThrownBy(() -> WorkerConfigLoader.load(big, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("not a configuration file");
        WorkerConfig c = WorkerConfigLoader.load(file(MINIMAL + "retry:\n"), Map.of());
        assertThat(c.retry().maxAttempts()).isEqualTo(5);
        assertThatThrownBy(() -> WorkerConfigLoader.load(file(MINIMAL.replace("kafka:\n  bootstrapServers: localhost:9092\n",
                "kafka:\n  bootstrapServers: localhost:9092\n  properties:\n    sasl.jaas.config: [a]\n")), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.properties.sasl.jaas.config: must be a single value");
    }

    @Test
    void shouldNameEnvironmentVariablesPredictably() {
        assertThat(WorkerConfigLoader.envName("kafka", "bootstrapServers")).isEqualTo("BRAINSEG_KAFKA_BOOTSTRAP_SERVERS");
        assertThat(WorkerConfigLoader.envName("inference", "maxInFlight")).isEqualTo("BRAINSEG_INFERENCE_MAX_IN_FLIGHT");
        assertThat(WorkerConfigLoader.keys()).contains("kafka.bootstrapServers", "retry.maxBackoffMs");
    }

    @Test
    void shouldBackOffExponentiallyUpToTheCap() {
        WorkerConfig.Retry r = new WorkerConfig.Retry(5, 100, 1000);
        assertThat(r.backoffMs(2)).isEqualTo(100);
        assertThat(r.backoffMs(3)).isEqualTo(200);
        assertThat(r.backoffMs(6)).isEqualTo(1000);
        assertThat(r.backoffMs(60)).isEqualTo(1000);
    }
}
