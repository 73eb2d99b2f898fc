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
            ModelsCommand.class,
            TrainCommand.class,
            OptimizeCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Fogline {

    public static void main(String[] args) {
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
