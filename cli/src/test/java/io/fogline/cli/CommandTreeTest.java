package io.fogline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Every command and subcommand of {@code fogline}, found by walking the command tree (so commands added later are
 * covered too): {@code --help} prints the usage and succeeds, and bad input fails with one line starting {@code
 * fogline:} and never a stack trace.
 */
class CommandTreeTest {

    @TempDir
    static Path scratch;

    /** Each command as the words that run it, e.g. {@code [bundle, pack]}. */
    static Stream<List<String>> commands() {
        List<List<String>> all = new ArrayList<>();
        walk(Fogline.commandLine(), List.of(), all);
        return all.stream();
    }

    /** Each command with the options that take a number. */
    static Stream<List<String>> numericOptions() {
        return commands().flatMap(words -> spec(words).options().stream()
                .filter(option -> isNumber(option.type()))
                .map(option -> append(words, option.longestName())));
    }

    /** Commands that cannot run without arguments: run with each filled by a plausible value that leads nowhere. */
    static Stream<List<String>> commandsWithRequiredArguments() {
        return commands().filter(words -> !required(spec(words)).isEmpty() || hasRequiredGroup(spec(words)));
    }

    @ParameterizedTest(name = "fogline {0} --help")
    @MethodSource("commands")
    void helpPrintsTheUsageAndSucceeds(List<String> words) {
        CommandRun run = CommandRun.of(append(words, "--help").toArray(String[]::new));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("Usage: fogline " + String.join(" ", words));
        assertThat(run.err()).isEmpty();
    }

    /** Every command but picocli's {@code help}, which takes any word for the name of a command to explain. */
    static Stream<List<String>> commandsTakingOptions() {
        return commands().filter(words -> !words.equals(List.of("help")));
    }

    @ParameterizedTest(name = "fogline {0} --no-such-option")
    @MethodSource("commandsTakingOptions")
    void anUnknownOptionIsOneLineThatPointsToTheHelp(List<String> words) {
        CommandRun run = CommandRun.of(append(words, "--no-such-option").toArray(String[]::new));

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertOneLineError(run);
        assertThat(run.err()).contains("--no-such-option").contains("--help` shows the usage");
    }

    @ParameterizedTest(name = "fogline {0} not-a-number")
    @MethodSource("numericOptions")
    void aNumberOptionGivenTextIsOneLine(List<String> wordsAndOption) {
        CommandRun run = CommandRun.of(append(wordsAndOption, "not-a-number").toArray(String[]::new));

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertOneLineError(run);
        assertThat(run.err()).contains("not-a-number");
    }

    @ParameterizedTest(name = "fogline {0} without its arguments")
    @MethodSource("commandsWithRequiredArguments")
    void missingArgumentsAreOneLine(List<String> words) {
        CommandRun run = CommandRun.of(words.toArray(String[]::new));

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertOneLineError(run);
        assertThat(run.err()).containsPattern("fogline: Missing required (option|parameter|argument)");
    }

    @ParameterizedTest(name = "fogline {0} with files that are not there, a server that is not there")
    @MethodSource("commandsWithRequiredArguments")
    void missingFilesAndServersAreOneLine(List<String> words) {
        List<String> args = new ArrayList<>(words);
        CommandSpec spec = spec(words);
        for (ArgSpec arg : required(spec)) {
            if (arg instanceof OptionSpec option) {
                args.add(option.longestName());
            }
            args.add(plausible(arg));
        }
        for (ArgGroupSpec group : spec.argGroups()) {
            if (group.multiplicity().min() > 0) {
                OptionSpec first = group.options().getFirst();
                args.add(first.longestName());
                args.add(plausible(first));
            }
        }
        if (spec.optionsMap().containsKey("--control") && !args.contains("--control")) {
            args.addAll(List.of("--control", "http://127.0.0.1:1", "--token", "t"));
        }

        CommandRun run = CommandRun.of(args.toArray(String[]::new));

        assertThat(run.exitCode()).as(run.err()).isNotEqualTo(ExitCodes.BUG);
        assertThat(run.out() + run.err()).doesNotContain("\tat ");
        if (run.exitCode() != 0) {
            assertOneLineError(run);
        }
    }

    private static void assertOneLineError(CommandRun run) {
        assertThat(run.err()).doesNotContain("\tat ").startsWith("fogline: ");
        assertThat(run.err().lines()).as(run.err()).hasSize(1);
    }

    private static void walk(CommandLine command, List<String> words, List<List<String>> all) {
        for (Map.Entry<String, CommandLine> sub : command.getSubcommands().entrySet()) {
            // Aliases point to a command already walked under its name.
            if (!sub.getKey().equals(sub.getValue().getCommandName())) {
                continue;
            }
            List<String> path = append(words, sub.getKey());
            all.add(path);
            walk(sub.getValue(), path, all);
        }
    }

    private static CommandSpec spec(List<String> words) {
        CommandLine command = Fogline.commandLine();
        for (String word : words) {
            command = command.getSubcommands().get(word);
        }
        return command.getCommandSpec();
    }

    private static List<ArgSpec> required(CommandSpec spec) {
        List<ArgSpec> required = new ArrayList<>();
        for (OptionSpec option : spec.options()) {
            if (option.required() && option.group() == null) {
                required.add(option);
            }
        }
        for (PositionalParamSpec positional : spec.positionalParameters()) {
            if (positional.required() && positional.group() == null) {
                required.add(positional);
            }
        }
        return required;
    }

    private static boolean hasRequiredGroup(CommandSpec spec) {
        return spec.argGroups().stream().anyMatch(group -> group.multiplicity().min() > 0);
    }

    /** A value of the argument's type that names nothing that exists: a missing file, a closed port, id 1. */
    private static String plausible(ArgSpec arg) {
        Class<?> type = arg.type();
        if (Path.class.isAssignableFrom(type) || java.io.File.class.isAssignableFrom(type)) {
            return scratch.resolve("no-such-" + arg.paramLabel().replaceAll("[^A-Za-z]", ""))
                    .toString();
        }
        if (isNumber(type)) {
            return "1";
        }
        if (type == URI.class) {
            return "http://127.0.0.1:1";
        }
        if (type == Instant.class) {
            return "2027-01-01T00:00:00Z";
        }
        if (type.isEnum()) {
            return type.getEnumConstants()[0].toString();
        }
        if (Map.class.isAssignableFrom(type)) {
            return "k=v";
        }
        return "x";
    }

    private static boolean isNumber(Class<?> type) {
        return type == int.class
                || type == long.class
                || type == double.class
                || type == Integer.class
                || type == Long.class
                || type == Double.class;
    }

    private static List<String> append(List<String> words, String word) {
        List<String> longer = new ArrayList<>(words);
        longer.add(word);
        return longer;
    }
}
