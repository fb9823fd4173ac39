package org.brainseg.cli.command;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The Kafka connection options shared by {@code submit}, {@code consume} and {@code watch}:
 * where the brokers are, client properties for TLS/SASL, and how long to wait for an answer.
 */
public final class KafkaOptions {
    @Option(names = "--bootstrap", defaultValue = "localhost:9092", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers, comma-separated (default: ${DEFAULT-VALUE}).")
    String bootstrap;

    @Option(names = "--property", paramLabel = "KEY=VALUE",
            description = "Kafka client property, repeatable: security.protocol, ssl.*, sasl.* (e.g. --property security.protocol=SSL).")
    Map<String, String> properties = new LinkedHashMap<>();

    @Option(names = "--connect-timeout", defaultValue = "15", paramLabel = "SECONDS",
            description = "Give up when Kafka does not answer within this time (default: ${DEFAULT-VALUE}).")
    int connectTimeoutSeconds;

    Duration connectTimeout() {
        BadInputException.requireAtLeast("--connect-timeout", connectTimeoutSeconds, 1, "second");
        return Duration.ofSeconds(connectTimeoutSeconds);
    }

    Map<String, String> properties() {
        return properties == null ? Map.of() : properties;
    }
}
