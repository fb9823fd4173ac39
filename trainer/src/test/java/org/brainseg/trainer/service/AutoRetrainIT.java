package org.brainseg.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.brainseg.client.consume.EventReader;
import org.brainseg.client.submit.ScanSubmitter;
import org.brainseg.client.topics.TopicsInitializer;
import org.brainseg.imaging.dataset.Case;
import org.brainseg.imaging.dataset.DatasetScanner;
import org.brainseg.kafka.embedded.EmbeddedKafkaExtension;
import org.brainseg.schemas.Promotion;
import org.brainseg.schemas.ScanArrived;
import org.brainseg.schemas.Topics;
import org.brainseg.schemas.TrainingRequested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.brainseg.trainer.config.TrainerConfig;

/**
 * Auto-retrain on the embedded broker: labelled scans arriving on brainseg.scans.arrived turn into
 * a TrainingRequested after every N. A class (and so a broker) of its own: the requests it
 * produces must not reach the trainer of {@link TrainerServiceIT}.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class AutoRetrainIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension BROKER = EmbeddedKafkaExtension.withTopics(TopicsInitializer.newTopics(3, (short) 1));

    @Test
    void shouldRequestTrainingAfterEveryNLabelledScans(@TempDir Path tmp) throws Exception {
        Path data = Fixtures.cohort(tmp.resolve("data"), 8, 21);
        TrainerConfig base = Fixtures.config(BROKER.bootstrapServers(), tmp.resolve("auto-registry"), Fixtures.crippled(),
                "auto-it");
        TrainerConfig config = new TrainerConfig(base.kafka(), base.registry(), base.promotion(), base.holdOut(),
                base.training(), new TrainerConfig.AutoRetrain(3, data.toUri()), base.data(), base.http());
        // 7 labelled scans: two requests (after 3 and 6), one scan counted towards the next
        try (ScanSubmitter s = new ScanSubmitter(BROKER.bootstrapServers(), Map.of(), Clock.systemUTC())) {
            List<ScanArrived> events = new ArrayList<>();
            List<Case> cases = DatasetScanner.scan(data).cases();
            for (int i = 0; i < 7; i++) {
                events.add(s.eventFor(cases.get(i), "auto-scan-" + i));
            }
            s.submit(events);
        }
        try (TrainerService s = TrainerService.start(config, t -> {})) {
            await().atMost(Duration.ofMinutes(1)).until(() -> autoRequests().size() >= 2);
            await().atMost(Duration.ofSeconds(30)).until(() -> s.status().autoRetrain() == 1);
        }
        List<TrainingRequested> reqs = autoRequests();
        assertThat(reqs).hasSize(2);
        assertThat(reqs).allSatisfy(r -> {
            assertThat(r.reason()).contains("3 new labelled scans");
            assertThat(r.datasetUri()).isEqualTo(data.toUri());
            assertThat(r.promotion()).isEqualTo(Promotion.AUTO);
        });
    }

    private static List<TrainingRequested> autoRequests() throws Exception {
        return EventReader.readAll(BROKER.bootstrapServers(), Map.of(), Topics.TRAINING_REQUESTS, TrainingRequested.class,
                Duration.ofSeconds(30));
    }
}
