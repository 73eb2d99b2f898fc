package io.fogline.node.ota;

/**
 * Fault injection for the kill tests: with {@code FOGLINE_OTA_HALT_AT=<step>} in its environment the process halts
 * the moment an action has stored that step, with no shutdown hooks and no flushing, as {@code kill -9} would
 * stop it. With {@code FOGLINE_OTA_HOLD_AT=<point>} the thread that reaches the point says so on standard error and
 * waits there, so that a test can send the process a real {@code kill -9} while it is, for instance, between two local
 * epochs of a federated round. Unset, they do nothing.
 */
final class CrashPoint {

    static final String VARIABLE = "FOGLINE_OTA_HALT_AT";
    static final String HOLD_VARIABLE = "FOGLINE_OTA_HOLD_AT";
    private static final String HALT_AT = System.getenv(VARIABLE);
    private static final String HOLD_AT = System.getenv(HOLD_VARIABLE);

    private CrashPoint() {}

    static void at(Step step) {
        at(step.name());
    }

    /** Halts or holds at a named point outside an update's steps, e.g. {@code training} of a federated round. */
    static void at(String point) {
        if (point.equalsIgnoreCase(HALT_AT)) {
            System.err.println("fogline: halting at step " + point + " (" + VARIABLE + ")");
            Runtime.getRuntime().halt(137);
        }
        if (point.equalsIgnoreCase(HOLD_AT)) {
            System.err.println("fogline: holding at " + point + " (" + HOLD_VARIABLE + ")");
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
