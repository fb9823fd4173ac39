package org.brainseg.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.brainseg.client.consume.EventReader;
import org.brainseg.schemas.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code brainseg consume --topic NAME}: a topic's committed events as JSON lines, through {@link EventReader}. */
@Command(
        name = "consume",
        mixinStandardHelpOptions = true,
        description = {
            "Print the events of a brainseg topic as JSON lines, one per event (read_committed: only committed outputs).",
            "Starts at the end (new events only) unless --from-beginning; follows until --max events or until --timeout",
            "seconds pass without one (exit 1 if --max was not reached). A value that is not JSON is printed as",
            "{\"topic\", \"partition\", \"offset\", \"undecodable\"}."
        })
public final class ConsumeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--topic", required = true, paramLabel = "NAME", description = "A brainseg topic, e.g. brainseg.segmentations.")
    String topic;

    @Option(names = "--from-beginning", description = "Start at the oldest retained event instead of the end.")
    boolean fromBeginning;

    @Option(names = "--max", defaultValue = "0", paramLabel = "N", description = "Stop after N events (default: no limit).")
    long max;

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "Stop when no event arrives for this long (default: keep following).")
    Integer timeoutSeconds;

    @Mixin
    KafkaOptions kafka;

    @Override
    public Integer call() {
        if (Topics.all().stream().noneMatch(s -> s.name().equals(topic))) {
            throw new BadInputException("unknown topic '" + topic + "'; brainseg's topics: "
                    + Topics.all().stream().map(Topics.Spec::name).collect(Collectors.joining(", ")));
        }
        BadInputException.requireAtLeast("--max", max, 0, "");
        if (timeoutSeconds != null) {
            BadInputException.requireAtLeast("--timeout", timeoutSeconds, 1, "second");
        }
        Duration idle = timeoutSeconds == null ? null : Duration.ofSeconds(timeoutSeconds);
        PrintWriter out = spec.commandLine().getOut();
        long n;
        try (EventReader reader = new EventReader(kafka.bootstrap, kafka.properties(), topic, fromBeginning, kafka.connectTimeout())) {
            n = reader.follow(r -> {
                out.println(line(r));
                out.flush(); // scripts read line by line
            }, max, idle);
        }
        if (max > 0 && n < max) {
            spec.commandLine().getErr().printf("brainseg consume: %d of %d events, then none for %d s%n", n, max, timeoutSeconds);
            return ErrorHandler.FAILURE;
        }
        return 0;
    }

    /** The event's JSON on one line; anything else wrapped so that every line stays JSON. */
    static String line(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() != null) {
            try {
                JsonNode n = Json.MAPPER.readTree(r.value());
                if (n != null && !n.isMissingNode()) {
                    return Json.write(n);
                }
            } catch (IOException e) {
                // not JSON: fall through
            }
        }
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("topic", r.topic());
        o.put("partition", r.partition());
        o.put("offset", r.offset());
        o.put("undecodable", r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8));
        return Json.write(o);
    }
}
