package io.fogline.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.fogline.bundle.BundleException;
import io.fogline.fetch.DatasetFetchException;
import io.fogline.fetch.ModelFetchException;
import io.fogline.learn.data.DatasetNotFoundException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How every command fails: one line on standard error, {@code fogline: <what and where>}, and an exit status of
 * {@link ExitCodes}. A stack trace only with {@code --verbose}, or for an exception no input explains (a bug).
 */
final class ErrorReport implements IExecutionExceptionHandler, IParameterExceptionHandler {

    /** What a failure means to the person who ran the command. */
    record Verdict(int exitCode, String message, boolean bug) {}

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        String name = command.getCommandSpec().qualifiedName();
        // picocli checks required arguments before it complains of unknown ones; a typo is the likelier cause.
        ParameterException reported = e instanceof UnmatchedArgumentException
                        || command.getUnmatchedArguments().isEmpty()
                ? e
                : new UnmatchedArgumentException(command, command.getUnmatchedArguments());
        StringBuilder line = new StringBuilder("fogline: ").append(oneLine(reported.getMessage()));
        if (reported instanceof UnmatchedArgumentException unmatched) {
            List<String> suggestions = unmatched.getSuggestions();
            if (!suggestions.isEmpty()) {
                line.append(" (did you mean ")
                        .append(String.join(" or ", suggestions))
                        .append("?)");
            }
        }
        line.append("; `").append(name).append(" --help` shows the usage");
        command.getErr().println(line);
        if (Fogline.verbose(command)) {
            e.printStackTrace(command.getErr());
        }
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine command, ParseResult parseResult) {
        Verdict verdict = judge(e);
        PrintWriter err = command.getErr();
        if (verdict.bug() || Fogline.verbose(command)) {
            e.printStackTrace(err);
        }
        err.println("fogline: " + verdict.message());
        err.flush();
        return verdict.exitCode();
    }

    static Verdict judge(Throwable thrown) {
        Throwable e = unwrap(thrown);
        return switch (e) {
            case UserError error -> new Verdict(error.exitCode(), oneLine(error.getMessage()), false);
            case ControlConnection.ControlError error -> failed(error);
            case BundleException refusal -> new Verdict(ExitCodes.REFUSED, "refused: " + text(refusal), false);
            case DatasetFetchException missing -> missing(missing);
            case DatasetNotFoundException missing -> missing(missing);
            case ModelFetchException missing -> missing(missing);
            case NoSuchFileException file -> usage("no such file or directory: " + file.getFile() + reason(file));
            case AccessDeniedException file -> usage("permission denied: " + file.getFile() + reason(file));
            case FileAlreadyExistsException file -> usage("already exists: " + file.getFile() + reason(file));
            case NotDirectoryException file -> usage("not a directory: " + file.getFile());
            case DirectoryNotEmptyException file -> usage("directory not empty: " + file.getFile());
            case FileSystemException file -> usage(text(file));
            case FileNotFoundException file -> usage(text(file));
            case JsonProcessingException json -> usage("malformed JSON: " + json.getOriginalMessage() + at(json));
            case ConnectException connect -> failed("cannot connect: " + text(connect));
            case UnknownHostException host -> failed("unknown host: " + text(host));
            case HttpTimeoutException timeout -> failed("no answer in time: " + text(timeout));
            case InterruptedIOException interrupted -> new Verdict(ExitCodes.INTERRUPTED, text(interrupted), false);
            case InterruptedException interrupted -> new Verdict(ExitCodes.INTERRUPTED, "interrupted", false);
            // Readers of models, datasets, bundles and configurations say what is wrong with the file they read.
            case IOException io -> usage(text(io));
            case IllegalArgumentException argument -> usage(text(argument));
            case ai.onnxruntime.OrtException ort -> failed("ONNX Runtime: " + text(ort));
            default ->
                new Verdict(
                        ExitCodes.BUG,
                        "internal error: " + e + " (a bug in Fogline: the stack trace above says where; please"
                                + " report it)",
                        true);
        };
    }

    private static Throwable unwrap(Throwable e) {
        Throwable current = e;
        while ((current instanceof UncheckedIOException
                        || current instanceof ExecutionException
                        || current instanceof CompletionException
                        || current instanceof InvocationTargetException
                        || current instanceof CommandLine.ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    private static Verdict usage(String message) {
        return new Verdict(ExitCodes.USAGE, oneLine(message), false);
    }

    private static Verdict failed(Throwable e) {
        return failed(text(e));
    }

    private static Verdict failed(String message) {
        return new Verdict(ExitCodes.FAILED, oneLine(message), false);
    }

    private static Verdict missing(Throwable e) {
        return new Verdict(ExitCodes.MISSING, oneLine(text(e)) + " (`fogline doctor` lists what is missing)", false);
    }

    private static String reason(FileSystemException e) {
        return e.getReason() == null ? "" : " (" + e.getReason() + ")";
    }

    private static String at(JsonProcessingException e) {
        JsonLocation location = e.getLocation();
        return location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static String text(Throwable e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", "; ");
    }
}
