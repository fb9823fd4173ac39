package org.brainseg.cli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.brainseg.cli.Main;
import org.brainseg.service.http.HttpVerticle;
import org.brainseg.trainer.config.TrainerConfig;
import org.brainseg.trainer.config.TrainerConfigLoader;
import org.brainseg.worker.config.WorkerConfigLoader;
import org.brainseg.worker.config.WorkerConfig;
import picocli.CommandLine;

/** What the deployment files may refer to, as the code defines it. */
final class Contract {
    /** The worker's HTTP port: WorkerConfigLoader's default, which the container configs keep. */
    static final int WORKER_PORT = 8080;
    /** The trainer's HTTP port: TrainerConfigLoader's default, which the container configs keep. */
    static final int TRAINER_PORT = 8081;

    private Contract() {}

    /** A brainseg command line as a container runs it: a real subcommand with options it accepts. */
    static void assertValidCommand(List<String> args) {
        assertThat(args).as("command").isNotEmpty();
        CommandLine cl = Main.commandLine();
        assertThat(cl.getSubcommands()).as("brainseg subcommands").containsKey(args.get(0));
        try {
            cl.parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new AssertionError("brainseg " + String.join(" ", args) + ": " + e.getMessage(), e);
        }
    }

    /** The elements of a JSON array (a container's args, a compose service's command or ports) as strings. */
    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(a -> out.add(a.asText()));
        return out;
    }

    /** Loads a worker configuration as {@code brainseg worker --config} would, with an environment. */
    static WorkerConfig workerConfig(String yaml, Map<String, String> env) throws IOException {
        return load("worker", yaml, env, WorkerConfigLoader::load);
    }

    /** Loads a trainer configuration as {@code brainseg trainer --config} would, with an environment. */
    static TrainerConfig trainerConfig(String yaml, Map<String, String> env) throws IOException {
        return load("trainer", yaml, env, TrainerConfigLoader::load);
    }

    /** A service's configuration loader: a YAML file and an environment. */
    private interface Loader<C> {
        C load(Path file, Map<String, String> env) throws IOException;
    }

    private static <C> C load(String service, String yaml, Map<String, String> env, Loader<C> loader) throws IOException {
        Path f = Files.createTempFile(service, ".yaml");
        try {
            Files.writeString(f, yaml);
            return loader.load(f, env);
        } finally {
            Files.delete(f);
        }
    }

    /** Environment variables the worker reads. */
    static Set<String> workerEnvNames() {
        Set<String> names = new TreeSet<>();
        for (String k : WorkerConfigLoader.keys()) {
            int dot = k.indexOf('.');
            names.add(WorkerConfigLoader.envName(k.substring(0, dot), k.substring(dot + 1)));
        }
        return names;
    }

    /** Status codes of GET requests to the paths on a real {@link HttpVerticle}, as services serve them. */
    static Map<String, Integer> httpStatuses(Set<String> paths) throws Exception {
        record Ready(boolean ready, List<String> problems) implements HttpVerticle.Status {}
        Vertx vertx = Vertx.vertx();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try {
            HttpVerticle http = new HttpVerticle("127.0.0.1", 0, registry, () -> new Ready(true, List.of()));
            vertx.deployVerticle(http).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            Map<String, Integer> codes = new java.util.TreeMap<>();
            for (String p : paths) {
                HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.actualPort() + p))
                        .build(), HttpResponse.BodyHandlers.discarding());
                codes.put(p, r.statusCode());
            }
            return codes;
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            registry.close();
        }
    }

    /** Leaf key paths of a YAML mapping (a.b.c), for comparing a config with its documented example. */
    static Set<String> keyPaths(com.fasterxml.jackson.databind.JsonNode node, String prefix) {
        Set<String> keys = new TreeSet<>();
        node.fields().forEachRemaining(e -> {
            String k = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            if (e.getValue().isObject() && e.getValue().size() > 0) {
                keys.addAll(keyPaths(e.getValue(), k));
            } else {
                keys.add(k);
            }
        });
        return keys;
    }
}
