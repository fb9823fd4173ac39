package org.brainseg.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine;

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
