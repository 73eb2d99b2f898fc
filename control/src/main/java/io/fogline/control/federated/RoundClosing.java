package io.fogline.control.federated;

/**
 * When an open round ends: once every chosen device has answered, or at its deadline; at the deadline with too few
 * accepted updates it fails, saying why. Plain rules over a round's counts, so they are tested without a database.
 */
public final class RoundClosing {

    /** What to do with an open round now. */
    public enum Decision {
        /** Keep waiting for updates. */
        WAIT,
        /** Aggregate what was accepted. */
        AGGREGATE,
        /** The deadline passed with fewer accepted updates than the job needs. */
        TOO_FEW
    }

    private RoundClosing() {}

    /**
     * @param answered chosen devices whose update was accepted
     * @param chosen devices chosen for the round
     * @param minReplies the fewest accepted updates the job aggregates
     */
    public static Decision decide(long answered, long chosen, long minReplies, long now, long deadline) {
        if (answered >= chosen && answered >= minReplies) {
            return Decision.AGGREGATE;
        }
        if (now < deadline) {
            return Decision.WAIT;
        }
        return answered >= minReplies ? Decision.AGGREGATE : Decision.TOO_FEW;
    }

    /** Why a round failed, for the operator. */
    public static String tooFew(int round, long answered, long chosen, long minReplies) {
        return "round " + round + ": " + answered + " of " + chosen + " chosen devices sent an accepted update by the"
                + " deadline; " + minReplies + " needed";
    }
}
