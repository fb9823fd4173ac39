package org.brainseg.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.internals.Exit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft broker in-process: transactions, restart on the same data, clean shutdown.
 * Each test starts and closes its own broker (not {@link EmbeddedKafkaExtension}): the broker's own
 * start, restart, close and leftover threads are what is tested.
 */
class EmbeddedKafkaIT {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaIT.class);
    private static final String TOPIC = "it.transactions";

    @TempDir
    Path dir;

    @Test
    void shouldExposeOnlyCommittedTransactionsSurviveRestartAndLeaveNoThreads() throws Exception {
        Set<Thread> before = liveNonDaemonThreads();
        Path logDir = dir.resolve("kafka");

        try (EmbeddedKafka kafka = EmbeddedKafka.builder().logDir(logDir).build()) {
            kafka.start();
            LOG.info("embedded Kafka cold start (format + start + ready): {} ms", kafka.lastStartupTime().toMillis());
            assertThat(Files.exists(logDir.resolve("meta.properties"))).isTrue();
            kafka.createTopic(TOPIC, 3);

            produceTransactions(kafka, "tx-it", 5, 4);
            assertThat(readCommitted(kafka, TOPIC, 10)).containsExactlyInAnyOrderElementsOf(expectedCommitted(5));

            kafka.stop();
            assertThat(kafka.isRunning()).isFalse();
            kafka.start();
            LOG.info("embedded Kafka warm restart on the same log dir: {} ms", kafka.lastStartupTime().toMillis());

            // Same data, same address; and the transactional id works again after the restart.
            assertThat(readCommitted(kafka, TOPIC, 10)).containsExactlyInAnyOrderElementsOf(expectedCommitted(5));
            produceTransactions(kafka, "tx-it", 1, 4);
            assertThat(readCommitted(kafka, TOPIC, 12)).hasSize(12);
            assertThat(kafka.fault()).isEmpty();
        }

        assertThat(Files.exists(logDir.resolve("meta.properties"))).as("a given log dir is kept").isTrue();
        assertNoKafkaThreadsLeft(before);
    }

    @Test
    void shouldReadWhatKcatProduced() throws Exception {
        Path kcat = Path.of("/usr/bin/kcat");
        // CI installs the Debian package kcat; elsewhere this independent-client check is skipped.
        assumeTrue(Files.isExecutable(kcat), "kcat not installed");
        try (EmbeddedKafka kafka = EmbeddedKafka.startDefault()) {
            kafka.createTopic("it.kcat", 2);
            Path input = dir.resolve("input.txt");
            Files.writeString(input, "scan-1:one\nscan-2:two\nscan-3:three\n", StandardCharsets.UTF_8);

            Process p = new ProcessBuilder(kcat.toString(), "-b", kafka.bootstrapServers(), "-t", "it.kcat", "-P",
                    "-K:", "-l", input.toString()).redirectErrorStream(true).start();
            boolean done = p.waitFor(60, TimeUnit.SECONDS);
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(done).as("kcat finished: %s", out).isTrue();
            assertThat(p.exitValue()).as("kcat exit status, output: %s", out).isZero();

            assertThat(readCommitted(kafka, "it.kcat", 3)).containsExactlyInAnyOrder(
                    "scan-1=one", "scan-2=two", "scan-3=three");
        }
    }

    @Test
    void shouldStartFastEnoughForTestsAndDeleteItsTemporaryLogDirOnClose() {
        EmbeddedKafka kafka = EmbeddedKafka.startDefault();
        try {
            LOG.info("embedded Kafka start with a fresh temp dir: {} ms", kafka.lastStartupTime().toMillis());
            assertThat(kafka.lastStartupTime()).isLessThan(Duration.ofSeconds(30));
        } finally {
            closeTwice(kafka); // idempotent
        }
        assertThat(Files.exists(kafka.logDir())).as("a temporary log dir is deleted").isFalse();
    }

    @Test
    void shouldInterceptKafkaHaltInsteadOfKillingTheJvm() {
        try (EmbeddedKafka kafka = EmbeddedKafka.startDefault()) {
            assertThatThrownBy(() -> Exit.halt(1, "simulated fatal fault"))
                    .hasMessageContaining("simulated fatal fault");

            assertThat(kafka.fault()).hasValueSatisfying(f -> assertThat(f).contains("halt(1)"));
        }
    }

    /** Each round commits {@code perTx} records in one transaction and aborts as many in another. */
    private static void produceTransactions(EmbeddedKafka kafka, String txId, int rounds, int perTx) {
        Map<String, Object> props = kafka.clientProperties(Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, txId,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            producer.initTransactions();
            for (int r = 0; r < rounds; r++) {
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(TOPIC, "aborted-" + r, "x"));
                producer.flush();
                producer.abortTransaction();
                producer.beginTransaction();
                for (int i = 0; i < perTx / 2; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, "k" + r + "-" + i, UUID.randomUUID().toString()));
                }
                producer.commitTransaction();
            }
        }
    }

    private static List<String> expectedCommitted(int rounds) {
        List<String> keys = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < 2; i++) {
                keys.add("k" + r + "-" + i);
            }
        }
        return keys;
    }

    /** Reads a topic from the start with read_committed until {@code expected} records or 30 s. */
    private static List<String> readCommitted(EmbeddedKafka kafka, String topic, int expected) {
        Map<String, Object> props = kafka.clientProperties(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (out.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(topic.equals(TOPIC) ? r.key() : r.key() + "=" + r.value());
                }
            }
            // Anything beyond the expected count (an aborted record leaking) must show up too.
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                out.add(topic.equals(TOPIC) ? r.key() : r.key() + "=" + r.value());
            }
        }
        return out;
    }

    @SuppressWarnings("try")
    private static void closeTwice(EmbeddedKafka kafka) {
        kafka.close();
        kafka.close();
    }

    private static Set<Thread> liveNonDaemonThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && !t.isDaemon())
                .collect(Collectors.toSet());
    }

    private static void assertNoKafkaThreadsLeft(Set<Thread> before) throws InterruptedException {
        Set<Thread> leaked = Set.of();
        // Executors finish their last task just after awaitShutdown returns; give them a moment.
        for (int i = 0; i < 50; i++) {
            leaked = liveNonDaemonThreads();
            leaked.removeAll(before);
            if (leaked.isEmpty()) {
                return;
            }
            Thread.sleep(100);
        }
        assertThat(leaked.stream().map(Thread::getName).sorted().toList()).as("non-daemon threads left").isEmpty();
    }

}
