package io.fogline.routing.score;

/**
 * What the rules say of a local answer.
 *
 * @param reason the rule that asks for escalation, as it is named in the config, or {@link #NONE}
 * @param confidence the top class probability of the least sure row, or its score when the policy reads only a score
 *     output
 */
public record Verdict(String reason, double confidence) {

    public static final String NONE = "none";

    public boolean escalate() {
        return !reason.equals(NONE);
    }
}
