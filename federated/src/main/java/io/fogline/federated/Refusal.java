package io.fogline.federated;

import java.util.Locale;

/** Why an update was left out of a round. Each is counted per round and shown to the operator. */
public enum Refusal {
    /** The body is not a well-formed update (the codec's message says where). */
    MALFORMED,
    /** The update names a job that is not this one, or a round not yet opened. */
    UNKNOWN_ROUND,
    /** The update is for an earlier round, or arrived after this round closed (its deadline passed). */
    CLOSED_ROUND,
    /** The sender is not among the round's chosen clients. */
    NOT_ENROLLED,
    /** The sender already has an update accepted in this round. */
    DUPLICATE,
    /** The delta's dimension is not the model's parameter count. */
    WRONG_SHAPE,
    /** The example count is zero or above what the round allows a client: FedAvg would trust it as a weight. */
    EXAMPLE_COUNT,
    /** The delta or a metric holds NaN or an infinity. */
    NOT_FINITE,
    /** The delta's norm is far above the round's median, screened before aggregation. */
    NORM_OUTLIER;

    /** The lowercase name, e.g. {@code norm_outlier}: how APIs and reports name it. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
