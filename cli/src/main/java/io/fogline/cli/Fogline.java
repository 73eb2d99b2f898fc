package io.fogline.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code fogline} command: one entry point for every role of the one jar. */
@Command(
        name = "fogline",
        mixinStandardHelpOptions = true,
        versionProvider = Fogline.Version.class,
        description =
                "Run AI inference where the data is: on devices, on fog servers, and in the cloud only when it must.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:done",
            "1:the work failed: a server could not be reached or refused, a run failed",
            "2:a wrong argument, or an input file missing or malformed",
            "3:a bundle was refused (its reason is printed)",
            "4:something needed is missing and could not be fetched (see `fogline doctor`)",
            "70:a bug in Fogline (the stack trace is printed)",
            "130:interrupted"
        },
        subcommands = {
            DemoCommand.class,
            NodeCommand.class,
            BundleCommand.class,
            ControlCommand.class,
            RolloutCommand.class,
            FederatedCommand.class,
            FleetCommands.Publish.class,
            FleetCommands.PublishKeyList.class,
            FleetCommands.EnrolToken.class,
            FleetCommands.Devices.class,
            ModelsCommand.class,
            TrainCommand.class,
            OptimizeCommand.class,
            BenchCommand.class,
            SimCommand.class,
            DatasetsCommand.class,
            DoctorCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Fogline {

    @Option(
            names = "--verbose",
            scope = ScopeType.INHERIT,
            description = "On failure, print the stack trace as well as the one-line reason.")
    boolean verbose;

    /** Held so the levels stick: java.util.logging keeps loggers only weakly. */
    private static final java.util.logging.Logger TOKENIZER_LOG = java.util.logging.Logger.getLogger("ai.djl");

    private static final java.util.logging.Logger POOL_LOG = java.util.logging.Logger.getLogger("com.zaxxer.hikari");

    private static final java.util.logging.Logger MIGRATION_LOG = java.util.logging.Logger.getLogger("org.flywaydb");

    public static void main(String[] args) {
        // The tokenizer library warns on every start of a machine without CUDA, which Fogline never asks it to use.
        TOKENIZER_LOG.setLevel(java.util.logging.Level.SEVERE);
        // The control plane's pool and migrations log every start in detail; the commands' own lines say what matters.
        POOL_LOG.setLevel(java.util.logging.Level.WARNING);
        MIGRATION_LOG.setLevel(java.util.logging.Level.WARNING);
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$s %3$s: %5$s%6$s%n");
        }
        System.exit(run(args));
    }

    static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The command tree as {@link #run} executes it: every command fails through {@link ErrorReport}. */
    static CommandLine commandLine() {
        ErrorReport errors = new ErrorReport();
        return new CommandLine(new Fogline())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(errors)
                .setParameterExceptionHandler(errors);
    }

    /** Whether {@code --verbose} was given, to this command or any above it. */
    static boolean verbose(CommandLine command) {
        CommandLine root = command;
        while (root.getParent() != null) {
            root = root.getParent();
        }
        return root.getCommand() instanceof Fogline fogline && fogline.verbose;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"fogline " + io.fogline.node.FoglineNode.VERSION};
        }
    }
}
