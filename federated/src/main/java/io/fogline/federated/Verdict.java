package io.fogline.federated;

import io.fogline.core.federated.ModelUpdate;

/** What a round made of an offered update. */
public sealed interface Verdict {

    /** The update entered the round; the caller stores it for aggregation. */
    record Accepted(ModelUpdate update) implements Verdict {}

    /** The update was left out, for {@code reason}; {@code detail} says what was wrong, for the sender's log. */
    record Refused(Refusal reason, String detail) implements Verdict {}
}
