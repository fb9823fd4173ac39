package org.brainseg.cli.demo;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.brainseg.client.consume.EventReader;
import org.brainseg.schemas.EventDecodingException;

/** Follows the demo's output topics (read_committed, from now on), each on its own daemon thread. */
final class TopicFollower {
    /** What to do with each committed record; an undecodable one is reported and skipped. */
    interface RecordSink {
        void accept(ConsumerRecord<byte[], byte[]> r) throws EventDecodingException;
    }

    private final String bootstrap;
    private final Map<String, String> kafkaProperties;
    private final DemoConsole console;

    TopicFollower(String bootstrap, Map<String, String> kafkaProperties, DemoConsole console) {
        this.bootstrap = bootstrap;
        this.kafkaProperties = kafkaProperties;
        this.console = console;
    }

    /** A thread (not started) that hands {@code topic}'s records to {@code sink} while {@code keepGoing}. */
    Thread thread(String topic, RecordSink sink, AtomicBoolean keepGoing) {
        EventReader reader = new EventReader(bootstrap, kafkaProperties, topic, false, Duration.ofSeconds(30));
        Thread t = new Thread(() -> {
            try (reader) {
                reader.follow(r -> {
                    try {
                        sink.accept(r);
                    } catch (EventDecodingException e) {
                        console.println("undecodable event on " + topic + ": " + e.getMessage());
                    }
                }, keepGoing::get);
            }
        }, "demo-" + topic);
        t.setDaemon(true);
        return t;
    }
}
