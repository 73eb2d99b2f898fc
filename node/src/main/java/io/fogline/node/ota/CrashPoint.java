package io.fogline.node.ota;

/**
 * Fault injection for the kill tests: with {@code FOGLINE_OTA_HALT_AT=<step>} in its environment the process halts
 * the moment an action has stored that step, with no shutdown hooks and no flushing, as {@code kill -9} would
 * stop it. Unset, it does nothing.
 */
final class CrashPoint {

    static final String VARIABLE = "FOGLINE_OTA_HALT_AT";
    private static final String HALT_AT = System.getenv(VARIABLE);

    private CrashPoint() {}

    static void at(Step step) {
        at(step.name());
    }

    /** Halts at a named point outside an update's steps, e.g. {@code training} of a federated round. */
    static void at(String point) {
        if (point.equalsIgnoreCase(HALT_AT)) {
            System.err.println("fogline: halting at step " + point + " (" + VARIABLE + ")");
            Runtime.getRuntime().halt(137);
        }
    }
}
