package io.fogline.cli;

/**
 * A failure the person at the command line can act on: {@link Fogline} prints it as one line, {@code fogline:
 * <message>}, and exits with its status; no stack trace. Commands throw it for what they find wrong themselves.
 */
final class UserError extends RuntimeException {

    private final int exitCode;

    private UserError(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    /** A wrong argument, or an input that is missing or malformed: exit status {@link ExitCodes#USAGE}. */
    static UserError usage(String message) {
        return new UserError(ExitCodes.USAGE, message);
    }

    /** The work could not be done (a server refused or is out of reach): exit status {@link ExitCodes#FAILED}. */
    static UserError failed(String message) {
        return new UserError(ExitCodes.FAILED, message);
    }

    /** Something the command needs is not on this machine: exit status {@link ExitCodes#MISSING}. */
    static UserError missing(String message) {
        return new UserError(ExitCodes.MISSING, message);
    }

    int exitCode() {
        return exitCode;
    }
}
