package org.brainseg.cli.command;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.brainseg.client.models.ModelsAdmin;
import org.brainseg.schemas.ModelCatalog;
import org.brainseg.schemas.ModelVersionPublished;
import org.brainseg.trainer.registry.ModelRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code brainseg models list|promote|rollback}: model versions on brainseg.models, through {@link ModelsAdmin}. */
@Command(
        name = "models",
        mixinStandardHelpOptions = true,
        description = {
            "List the versions of a model on brainseg.models, promote one, or roll back to the previous active version.",
            "promote and rollback publish the change (new active version, old one retired) in one Kafka transaction;",
            "workers follow and swap. Exit 2 for an unknown version, a version no longer in the registry, or nothing to roll back to."
        },
        subcommands = {ModelsCommand.ListCommand.class, ModelsCommand.PromoteCommand.class, ModelsCommand.RollbackCommand.class,
            ModelsImportCommand.class, ModelsCalibrateCommand.class})
public final class ModelsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "choose list, promote VERSION or rollback");
    }

    /** Options every models subcommand takes. */
    static final class Target {
        @Option(names = "--name", defaultValue = "brainseg", paramLabel = "NAME",
                description = "Model name (default: ${DEFAULT-VALUE}).")
        String name;

        @Mixin
        KafkaOptions kafka;

        ModelsAdmin admin() {
            if (name == null || !ModelRegistry.NAME.matcher(name).matches()) {
                throw new BadInputException("--name must be 1-64 characters [A-Za-z0-9._-] starting alphanumeric, got '" + name + "'");
            }
            return new ModelsAdmin(kafka.bootstrap, kafka.properties(), name, kafka.connectTimeout());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Print every version: status, held-out loss and mean Dice (WT, TC, ET), creation time, artifact.")
    static final class ListCommand implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        Target target;

        @Override
        public Integer call() {
            ModelCatalog c = target.admin().catalog();
            PrintWriter out = spec.commandLine().getOut();
            if (c.versions().isEmpty()) {
                out.println("no versions of model " + c.name() + " on brainseg.models");
                return 0;
            }
            out.printf("%-8s %-10s %-9s %-9s %-25s %s%n", "VERSION", "STATUS", "VAL_LOSS", "MEAN_DICE", "CREATED", "ARTIFACT");
            for (ModelVersionPublished v : c.versions()) {
                out.println(row(v));
            }
            Optional<ModelVersionPublished> a = c.active();
            out.println(a.map(v -> "active: version " + v.version()).orElse("no active version"));
            out.flush();
            return 0;
        }
    }

    static String row(ModelVersionPublished v) {
        Double loss = v.validation().loss();
        return String.format(Locale.ROOT, "%-8d %-10s %-9s %-9.4f %-25s %s%s", v.version(), v.status().wire(),
                loss == null ? "-" : String.format(Locale.ROOT, "%.4f", loss), v.validation().dice().meanRegions(),
                v.createdAt(), v.artifactUri(), v.source() == null ? "" : "  (imported: " + v.source() + ")");
    }

    @Command(name = "promote", mixinStandardHelpOptions = true,
            description = "Make VERSION the active version; the active one is retired (one transaction).")
    static final class PromoteCommand implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "VERSION", description = "The version to activate.")
        String version;

        @Mixin
        Target target;

        @Override
        public Integer call() {
            int v;
            try {
                v = Integer.parseInt(version.trim());
            } catch (NumberFormatException e) {
                throw new BadInputException("VERSION must be a positive integer, got '" + version + "'");
            }
            if (v < 1) {
                throw new BadInputException("VERSION must be a positive integer, got " + v);
            }
            print(spec.commandLine().getOut(), target.admin().promote(v));
            return 0;
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Make the previous active version (newest retired one below the active) active again; the active one is retired.")
    static final class RollbackCommand implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        Target target;

        @Override
        public Integer call() {
            print(spec.commandLine().getOut(), target.admin().rollback());
            return 0;
        }
    }

    static void print(PrintWriter out, ModelsAdmin.Change c) {
        out.printf("active version: %s -> %d%n", c.activeBefore() == 0 ? "none" : Integer.toString(c.activeBefore()),
                c.activeAfter());
        List<ModelVersionPublished> events = c.events();
        for (ModelVersionPublished e : events) {
            out.printf("published version %d %s%n", e.version(), e.status().wire());
        }
        out.flush();
    }
}
