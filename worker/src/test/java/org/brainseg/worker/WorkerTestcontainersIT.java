package org.brainseg.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.brainseg.client.consume.EventReader;
import org.brainseg.client.submit.ScanSubmitter;
import org.brainseg.client.topics.TopicsInitializer;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.ScanArrived;
import org.brainseg.schemas.SegmentationCompleted;
import org.brainseg.schemas.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.brainseg.model.TinyModels;

/**
 * The same delivery check as {@link WorkerIT}, against Apache Kafka's official image in a
 * container (Testcontainers). Runs only where a Docker engine answers; the build machines have
 * none, so there it is skipped (and WorkerIT covers the embedded broker).
 */
@EnabledIf("dockerAvailable")
class WorkerTestcontainersIT {
    @TempDir
    Path tmp;

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Test
    void shouldSegmentEachScanExactlyOnceOnARealKafkaImage() throws Exception {
        try (KafkaContainer kafka = new KafkaContainer("apache/kafka:4.1.0")) {
            kafka.start();
            String bootstrap = kafka.getBootstrapServers();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                TopicsInitializer.createAll(admin, 2, (short) 1, Duration.ofSeconds(60));
            }
            List<Case> cases = Fixtures.cohort(tmp.resolve("scans"), 5, 3);
            Path model = TinyModels.train(cases, tmp.resolve("models"), 1, 2);
            try (Worker w = Worker.start(Fixtures.config(bootstrap, tmp.resolve("scans"), tmp.resolve("masks"), model, 1, 2,
                    "tc-worker"), t -> {});
                    ScanSubmitter s = new ScanSubmitter(bootstrap, Map.of(), Clock.systemUTC())) {
                List<ScanArrived> events = new ArrayList<>();
                cases.forEach(c -> events.add(s.eventFor(c, null)));
                s.submit(events);
                await().atMost(Duration.ofMinutes(3)).until(() -> w.status().completed() >= 5);
            }
            try (EventReader r = new EventReader(bootstrap, Map.of(), Topics.SEGMENTATIONS)) {
                EventCodec codec = new EventCodec();
                List<String> ids = new ArrayList<>();
                for (var rec : r.readAll(Duration.ofSeconds(30))) {
                    ids.add(codec.decode(rec.value(), SegmentationCompleted.class).scanId());
                }
                assertThat(ids).hasSize(5).doesNotHaveDuplicates();
            }
        }
    }
}
