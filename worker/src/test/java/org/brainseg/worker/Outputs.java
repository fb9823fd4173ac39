package org.brainseg.worker;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.brainseg.client.consume.EventReader;
import org.brainseg.schemas.Event;
import org.brainseg.schemas.EventCodec;
import org.brainseg.schemas.SegmentationCompleted;

/**
 * What a downstream consumer sees: committed events (read_committed, from the beginning) whose
 * key starts with a test's scan-id prefix, and what the output root holds.
 */
final class Outputs {
    private static final EventCodec CODEC = new EventCodec();

    private Outputs() {}

    static <T extends Event> List<T> committed(String bootstrap, Map<String, String> props, String topic, Class<T> type,
            String prefix) throws Exception {
        try (EventReader r = new EventReader(bootstrap, props, topic)) {
            List<T> out = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> rec : r.readAll(Duration.ofSeconds(30))) {
                String key = rec.key() == null ? "" : new String(rec.key(), StandardCharsets.UTF_8);
                if (key.startsWith(prefix)) {
                    out.add(CODEC.decode(rec.value(), type));
                }
            }
            return out;
        }
    }

    static Set<String> scanIds(List<SegmentationCompleted> done) {
        return done.stream().map(SegmentationCompleted::scanId).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Temp files of interrupted mask writes ({@code .<name>.<uuid>.tmp}) anywhere under {@code root}. */
    static List<Path> temporaries(Path root) throws Exception {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(".") && n.endsWith(".tmp");
            }).toList();
        }
    }
}
