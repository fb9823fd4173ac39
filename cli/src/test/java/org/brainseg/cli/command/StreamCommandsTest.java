package org.brainseg.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.brainseg.cli.command.CliTest.Run;
import org.brainseg.client.watch.DropFolderWatcher;
import org.brainseg.imaging.dataset.DatasetLayout;
import org.brainseg.imaging.dataset.TinyDatasets;
import org.brainseg.kafka.embedded.EmbeddedKafka;
import org.brainseg.schemas.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * worker, submit, consume and watch without a broker: bad arguments are one line and exit 2,
 * an unreachable broker is one line and exit 1 within the connect timeout.
 */
class StreamCommandsTest {
    @TempDir
    Path tmp;

    /** A port nobody listens on: connections are refused at once. */
    static final String NOWHERE = "127.0.0.1:" + EmbeddedKafka.freePort();

    static Run run(String... args) {
        return CliTest.run(args);
    }

    static void assertOneLineBadInput(Run r, String... fragments) {
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").doesNotContain("Exception").contains(fragments);
    }

    @Test
    void shouldAcceptTheExampleWorkerConfig() throws Exception {
        Run r = run("worker", "--check", "--config", Paths.get("../deploy/worker.example.yaml").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.json().at("/kafka/bootstrapServers").asText()).isEqualTo("localhost:9092");
        assertThat(r.json().at("/inference/maxInFlight").asInt()).isEqualTo(2);
    }

    @Test
    void shouldNameTheKeyOfABadWorkerConfig() throws Exception {
        Path noBootstrap = Files.writeString(tmp.resolve("w1.yaml"), "store: {inputRoots: [a], outputRoot: b}\nmodel: {directory: m}\n");
        assertOneLineBadInput(run("worker", "--config", noBootstrap.toString()), "w1.yaml", "kafka.bootstrapServers");
        Path typo = Files.writeString(tmp.resolve("w2.yaml"), "kafka: {bootstrapServer: x:9092}\n");
        assertOneLineBadInput(run("worker", "--config", typo.toString()), "kafka.bootstrapServer", "unknown key");
        Path notInt = Files.writeString(tmp.resolve("w3.yaml"), "kafka: {bootstrapServers: x:9092}\nstore: {inputRoots: [a], "
                + "outputRoot: b}\nmodel: {directory: m}\ninference: {threads: many}\n");
        assertOneLineBadInput(run("worker", "--config", notInt.toString()), "inference.threads", "many");
        Path notYaml = Files.writeString(tmp.resolve("w4.yaml"), "kafka: [unclosed\n");
        assertOneLineBadInput(run("worker", "--config", notYaml.toString()), "w4.yaml", "YAML");
        assertOneLineBadInput(run("worker", "--config", tmp.resolve("absent.yaml").toString()), "absent.yaml", "no such file");
        assertThat(run("worker").code()).isEqualTo(2);
    }

    @Test
    void shouldRefuseBadSubmitArguments() throws Exception {
        assertOneLineBadInput(run("submit", "--data", tmp.resolve("absent").toString()), "absent");
        assertThat(run("submit").code()).isEqualTo(2);
        TinyDatasets.brats(tmp, DatasetLayout.BRATS2020, 2);
        Run prop = run("submit", "--data", tmp.toString(), "--property", "security.protocol");
        assertThat(prop.code()).isEqualTo(2);
        assertThat(prop.err()).contains("KEY=VALUE");
        assertOneLineBadInput(run("submit", "--data", tmp.toString(), "--prefix", "a/b", "--bootstrap", NOWHERE), "scanId");
        Files.createDirectories(tmp.resolve("empty"));
        assertOneLineBadInput(run("submit", "--data", tmp.resolve("empty").toString()), "no BraTS or MSD cases");
    }

    @Test
    void shouldGiveUpOnAnUnreachableBrokerWithinTheConnectTimeout() throws Exception {
        TinyDatasets.brats(tmp, DatasetLayout.BRATS2023, 2);
        long t0 = System.nanoTime();
        Run r = run("submit", "--data", tmp.toString(), "--bootstrap", NOWHERE, "--connect-timeout", "2");
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.err().strip()).doesNotContain("\n").contains(NOWHERE).contains("2 s");
        assertThat(seconds).isLessThan(10);

        t0 = System.nanoTime();
        Run c = run("consume", "--topic", Topics.SEGMENTATIONS, "--bootstrap", NOWHERE, "--connect-timeout", "2");
        seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(c.code()).as(c.err()).isEqualTo(1);
        assertThat(c.err().strip()).doesNotContain("\n").contains(NOWHERE);
        assertThat(seconds).isLessThan(10);
    }

    @Test
    void shouldListBrainsegTopicsForAnUnknownTopic() {
        Run r = run("consume", "--topic", "brainseg.segmentation");
        assertOneLineBadInput(r, "unknown topic 'brainseg.segmentation'");
        for (Topics.Spec s : Topics.all()) {
            assertThat(r.err()).contains(s.name());
        }
        assertOneLineBadInput(run("consume", "--topic", Topics.DICE, "--max", "-1"), "--max");
        assertOneLineBadInput(run("consume", "--topic", Topics.DICE, "--timeout", "0"), "--timeout");
        assertThat(run("consume").code()).isEqualTo(2);
    }

    @Test
    void shouldRefuseBadWatchArguments() throws Exception {
        assertOneLineBadInput(run("watch", tmp.resolve("absent").toString()), "absent", "no such directory");
        assertOneLineBadInput(run("watch", tmp.toString(), "--settle-seconds", "-1"), "--settle-seconds");
        Files.writeString(tmp.resolve(DropFolderWatcher.DEFAULT_STATE_FILE), "{half a state");
        assertOneLineBadInput(run("watch", tmp.toString(), "--once"), DropFolderWatcher.DEFAULT_STATE_FILE, "delete it");
    }

    @Test
    void shouldReportAFolderStillIncompleteWithoutTouchingKafka() throws Exception {
        TinyDatasets.brats(tmp, DatasetLayout.BRATS2020, 1);
        Files.delete(DatasetLayout.BRATS2020.modalityPath(tmp, "BraTS20_Training_001", org.brainseg.imaging.dataset.Modality.T1));
        Run r = run("watch", tmp.toString(), "--once", "--bootstrap", NOWHERE);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("published 0, settling 0, incomplete 1, failed 0");
    }
}
