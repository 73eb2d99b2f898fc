package io.fogline.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code fogline} command: one entry point for every role of the one jar. */
@Command(
        name = "fogline",
        mixinStandardHelpOptions = true,
        versionProvider = Fogline.Version.class,
        description =
                "Run AI inference where the data is: on devices, on fog servers, and in the cloud only when it must.",
        subcommands = {
            DemoCommand.class,
            NodeCommand.class,
            BundleCommand.class,
            ControlCommand.class,
            RolloutCommand.class,
            FleetCommands.Publish.class,
            FleetCommands.EnrolToken.class,
            FleetCommands.Devices.class,
            ModelsCommand.class,
            TrainCommand.class,
            OptimizeCommand.class,
            BenchCommand.class,
            SimCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Fogline {

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
        return new CommandLine(new Fogline())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"fogline " + io.fogline.node.FoglineNode.VERSION};
        }
    }
}
