package io.fogline.cli;

/** The exit statuses of every {@code fogline} command (README, "Errors and exit statuses"). */
final class ExitCodes {

    static final int OK = 0;

    /** The work failed: a server could not be reached or refused the request, a run failed. */
    static final int FAILED = 1;

    /** A wrong argument, or an input file that is missing or malformed. */
    static final int USAGE = 2;

    /** A bundle was refused: its signature, digests or structure (the reason is printed). */
    static final int REFUSED = 3;

    /** Something the command needs is not on this machine and could not be fetched; `fogline doctor` says more. */
    static final int MISSING = 4;

    /** Interrupted (Ctrl-C) before the work was done. */
    static final int INTERRUPTED = 130;

    /** A bug in Fogline: the stack trace is printed, to be reported. */
    static final int BUG = 70;

    private ExitCodes() {}
}
