package org.brainseg.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine;
import org.brainseg.cli.command.ConsumeCommand;
import org.brainseg.cli.command.DatasetInfoCommand;
import org.brainseg.cli.command.DemoCommand;
import org.brainseg.cli.command.DiceCommand;
import org.brainseg.cli.command.DoctorCommand;
import org.brainseg.cli.command.ErrorHandler;
import org.brainseg.cli.command.EvaluateCommand;
import org.brainseg.cli.command.ExperimentCommand;
import org.brainseg.cli.command.GenerateCommand;
import org.brainseg.cli.command.ModelsCommand;
import org.brainseg.cli.command.NiftiInfoCommand;
import org.brainseg.cli.command.PacsBridgeCommand;
import org.brainseg.cli.command.RetrainCommand;
import org.brainseg.cli.command.SegmentCommand;
import org.brainseg.cli.command.SubmitCommand;
import org.brainseg.cli.command.TrainCommand;
import org.brainseg.cli.command.TrainerCommand;
import org.brainseg.cli.command.VersionProvider;
import org.brainseg.cli.command.ViewerCommand;
import org.brainseg.cli.command.WatchCommand;
import org.brainseg.cli.command.WorkerCommand;

/** The {@code brainseg} command: lists the subcommands; each one parses its arguments and delegates. */
@Command(
        name = "brainseg",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Brain tumour segmentation in multi-modal MRI, streamed through Kafka.",
        subcommands = {
            CommandLine.HelpCommand.class,
            DemoCommand.class,
            DoctorCommand.class,
            NiftiInfoCommand.class,
            DatasetInfoCommand.class,
            GenerateCommand.class,
            DiceCommand.class,
            TrainCommand.class,
            SegmentCommand.class,
            EvaluateCommand.class,
            ExperimentCommand.class,
            WorkerCommand.class,
            SubmitCommand.class,
            ConsumeCommand.class,
            WatchCommand.class,
            TrainerCommand.class,
            ModelsCommand.class,
            RetrainCommand.class,
            ViewerCommand.class,
            PacsBridgeCommand.class,
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this, not {@link #main}). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(new ErrorHandler());
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
