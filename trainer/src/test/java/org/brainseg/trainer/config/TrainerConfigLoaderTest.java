package org.brainseg.trainer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.brainseg.service.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrainerConfigLoaderTest {
    @TempDir
    Path tmp;

    private static final String MINIMAL = """
            kafka:
              bootstrapServers: localhost:9092
            registry:
              root: /models
            """;

    private Path file(String yaml) throws Exception {
        return Files.writeString(tmp.resolve("trainer.yaml"), yaml);
    }

    @Test
    void shouldFillDefaultsAroundTheEssentials() throws Exception {
        TrainerConfig c = TrainerConfigLoader.load(file(MINIMAL), Map.of("HOSTNAME", "t1"));
        assertThat(c.kafka().groupId()).isEqualTo("brainseg-trainer");
        assertThat(c.kafka().transactionalId()).isEqualTo("brainseg-trainer-t1");
        assertThat(c.registry().modelName()).isEqualTo("brainseg");
        assertThat(c.registry().keepLatest()).isEqualTo(5);
        assertThat(c.registry().seedShippedModel()).isTrue();
        assertThat(c.promotion().tolerance()).isEqualTo(0.01);
        assertThat(c.holdOut().fraction()).isEqualTo(0.2);
        assertThat(c.training().spacingMm()).isEqualTo(2.0);
        assertThat(c.training().patch()).isEqualTo(64);
        assertThat(c.autoRetrain().enabled()).isFalse();
        assertThat(c.data().roots()).isEmpty();
        assertThat(c.http().port()).isEqualTo(8081);
    }

    @Test
    void shouldLetTheEnvironmentOverrideTheFile() throws Exception {
        TrainerConfig c = TrainerConfigLoader.load(file(MINIMAL), Map.of(
                "BRAINSEG_KAFKA_BOOTSTRAP_SERVERS", "broker:9093",
                "BRAINSEG_PROMOTION_TOLERANCE", "0.05",
                "BRAINSEG_TRAINING_STEPS_PER_EPOCH", "7",
                "BRAINSEG_AUTO_RETRAIN_AFTER_LABELLED_SCANS", "10",
                "BRAINSEG_AUTO_RETRAIN_DATASET_URI", "/data/brats",
                "BRAINSEG_DATA_ROOTS", "/a, /b",
                "BRAINSEG_REGISTRY_SEED_SHIPPED_MODEL", "false",
                "BRAINSEG_KAFKA_PROPERTY_SECURITY_PROTOCOL", "SASL_SSL"));
        assertThat(c.kafka().bootstrapServers()).isEqualTo("broker:9093");
        assertThat(c.promotion().tolerance()).isEqualTo(0.05);
        assertThat(c.training().stepsPerEpoch()).isEqualTo(7);
        assertThat(c.autoRetrain().afterLabelledScans()).isEqualTo(10);
        assertThat(c.autoRetrain().datasetUri()).isEqualTo(URI.create("file:///data/brats"));
        assertThat(c.data().roots()).containsExactly(Path.of("/a"), Path.of("/b"));
        assertThat(c.registry().seedShippedModel()).isFalse();
        assertThat(c.kafka().properties()).containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void shouldLoadTheDocumentedExampleWhichNamesEveryKey() throws Exception {
        Path example = Path.of("..", "deploy", "trainer.example.yaml");
        TrainerConfig c = TrainerConfigLoader.load(example, Map.of());
        assertThat(c.registry().root()).isEqualTo(Path.of("models"));
        String text = Files.readString(example);
        for (String key : TrainerConfigLoader.keys()) {
            String leaf = key.substring(key.lastIndexOf('.') + 1); // http.tls.certificate: nested, as certificate:
            assertThat(text).as("deploy/trainer.example.yaml documents %s", key).contains(leaf + ":");
        }
    }

    /** Each row is added to a valid base (sections given again replace it); rows starting with '!' stand alone. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "kafka:\\n  bootstrapServers: ''\\n|kafka.bootstrapServers",
        "!kafka:\\n  bootstrapServers: b:1\\n|registry.root: is required",
        "registry:\\n  root: /m\\n  modelName: ../etc\\n|registry.modelName",
        "registry:\\n  root: /m\\n  keepLatest: 0\\n|registry.keepLatest",
        "registry:\\n  root: /m\\n  seedShippedModel: sometimes\\n|registry.seedShippedModel",
        "promotion:\\n  tolerance: 2\\n|promotion.tolerance",
        "promotion:\\n  tolerance: NaN\\n|promotion.tolerance: must be a number",
        "holdOut:\\n  fraction: 1\\n|holdOut.fraction",
        "training:\\n  patch: 30\\n|training.patch",
        "training:\\n  learningRate: lots\\n|training.learningRate: must be a number",
        "training:\\n  normalization: weird\\n|training.normalization",
        "training:\\n  device: tpu\\n|training.device",
        "autoRetrain:\\n  afterLabelledScans: 5\\n|autoRetrain.datasetUri",
        "autoRetrain:\\n  afterLabelledScans: -1\\n|autoRetrain.afterLabelledScans",
        "http:\\n  port: 70000\\n|http.port",
        "kafak:\\n  x: 1\\n|kafak: unknown section",
        "training:\\n  steps: 3\\n|training.steps: unknown key",
        "registry: [1, 2]\\n|registry: must be a mapping",
        "kafka:\\n  bootstrapServers: b:1\\n  groupId: {a: 1}\\n|kafka.groupId: must be a single value",
        "kafka:\\n  bootstrapServers: b:1\\n  properties: [x]\\n|kafka.properties",
        "!- just\\n- a list\\n|must be a YAML mapping",
        "!kafka: {bootstrapServers: [unclosed\\n|not valid YAML",
    })
    void shouldRefuseABadConfigurationNamingTheKey(String row, String expected) throws Exception {
        String yaml = row.startsWith("!") ? row.substring(1) : "kafka:\n  bootstrapServers: b:1\nregistry:\n  root: /m\n" + row;
        Path f = file(yaml.replace("\\n", "\n"));
        assertThatThrownBy(() -> TrainerConfigLoader.load(f, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining(expected);
    }

    @Test
    void shouldNameTheKeyOfAPathThatCannotExist() throws Exception {
        Path f = file("kafka:\n  bootstrapServers: b:1\nregistry:\n  root: /m\n");
        assertThatThrownBy(() -> TrainerConfigLoader.load(f, Map.of("BRAINSEG_REGISTRY_ROOT", "/models\0/x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("registry.root: not a valid path");
        assertThatThrownBy(() -> TrainerConfigLoader.load(f, Map.of("BRAINSEG_DATA_ROOTS", "/a,/b\0c")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("data.roots: not a valid path");
        Path yamlNul = file("kafka:\n  bootstrapServers: b:1\nregistry:\n  root: /m\ndata:\n  roots: [\"/a\\0b\"]\n");
        assertThatThrownBy(() -> TrainerConfigLoader.load(yamlNul, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("data.roots: not a valid path");
    }

    @Test
    void shouldRefuseAYamlAliasBombAndBinaryGarbageWithAClearError() throws Exception {
        StringBuilder bomb = new StringBuilder("a: &a [x,x,x,x,x,x,x,x,x,x]\n");
        for (char c = 'b'; c <= 'k'; c++) {
            char p = (char) (c - 1);
            bomb.append(c).append(": &").append(c).append(" [*").append(p).append(",*").append(p).append(",*").append(p)
                    .append(",*").append(p).append(",*").append(p).append(",*").append(p).append(",*").append(p).append("]\n");
        }
        Path f = file(bomb.toString());
        assertThatThrownBy(() -> TrainerConfigLoader.load(f, Map.of())).isInstanceOf(ConfigException.class);
        Path bin = Files.write(tmp.resolve("bin.yaml"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, (byte) 0xc3});
        assertThatThrownBy(() -> TrainerConfigLoader.load(bin, Map.of())).isInstanceOf(ConfigException.class);
        Path empty = file("");
        assertThatThrownBy(() -> TrainerConfigLoader.load(empty, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.bootstrapServers");
    }
}
