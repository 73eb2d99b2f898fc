package io.fogline.control.rollout;

import io.fogline.control.common.ControlException;
import java.util.Locale;

/**
 * The states of a rollout. Waves open only while {@code RUNNING}; the last three are terminal and stay so. Operator
 * commands that a state does not allow are refused with 409.
 */
public enum RolloutState {
    RUNNING,
    /** A wave passed its gates and the rollout waits for an operator's approval to open the next. */
    WAITING_APPROVAL,
    /** Paused by an operator or by a failed gate; devices already targeted carry on, no wave opens. */
    PAUSED,
    COMPLETED,
    /** Every targeted device desires its previous version again. */
    ROLLED_BACK,
    /** Stopped by an operator: devices that had not switched desire their previous version again. */
    ABORTED;

    public boolean terminal() {
        return this == COMPLETED || this == ROLLED_BACK || this == ABORTED;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RolloutState ofWire(String state) {
        return valueOf(state.toUpperCase(Locale.ROOT));
    }

    /** The state an operator command leads to from this one. */
    public RolloutState after(Command command, long rolloutId) {
        boolean allowed =
                switch (command) {
                    case PAUSE -> this == RUNNING || this == WAITING_APPROVAL;
                    case RESUME -> this == PAUSED;
                    case APPROVE -> this == WAITING_APPROVAL;
                    case ABORT, ROLLBACK -> !terminal();
                };
        if (!allowed) {
            throw ControlException.conflict("rollout " + rolloutId + " is " + wire() + ": cannot "
                    + command.name().toLowerCase(Locale.ROOT));
        }
        return switch (command) {
            case PAUSE -> PAUSED;
            case RESUME, APPROVE -> RUNNING;
            case ABORT -> ABORTED;
            case ROLLBACK -> ROLLED_BACK;
        };
    }

    /** What an operator can ask of a rollout. */
    public enum Command {
        PAUSE,
        RESUME,
        APPROVE,
        ABORT,
        ROLLBACK;

        public static Command ofWire(String command) {
            for (Command known : values()) {
                if (known.name().equalsIgnoreCase(command)) {
                    return known;
                }
            }
            throw ControlException.notFound("no rollout command '" + command + "'");
        }
    }
}
