package io.fogline.federated;

import io.fogline.core.federated.MalformedUpdateException;
import io.fogline.core.federated.ModelUpdate;
import io.fogline.core.federated.UpdateCodec;
import io.fogline.core.federated.UpdateHeader;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The door of one round: every uploaded body passes these checks, in this order, before it may be stored: closed,
 * enrolled, well-formed header, job and round, dimension, example count, duplicate, well-formed delta, finite values.
 * The cheap checks come first, so a stranger's or a stale client's body is refused before its delta is decoded. Safe
 * to call from many request threads.
 */
public final class RoundIntake {

    private final RoundRules rules;
    private final RefusalCounts refusals;
    private final Set<String> accepted = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public RoundIntake(RoundRules rules, RefusalCounts refusals) {
        this(rules, refusals, Set.of());
    }

    /** Resumes a round whose {@code alreadyAccepted} clients' updates are stored, e.g. after a restart. */
    public RoundIntake(RoundRules rules, RefusalCounts refusals, Collection<String> alreadyAccepted) {
        this.rules = rules;
        this.refusals = refusals;
        this.accepted.addAll(alreadyAccepted);
    }

    public Verdict offer(String client, byte[] body, int length) {
        if (closed) {
            return refuse(Refusal.CLOSED_ROUND, "round " + rules.round() + " of job " + rules.job() + " has closed");
        }
        if (!rules.cohort().contains(client)) {
            return refuse(Refusal.NOT_ENROLLED, client + " is not among round " + rules.round() + "'s clients");
        }
        UpdateHeader header;
        try {
            header = UpdateCodec.decodeHeader(body, length);
        } catch (MalformedUpdateException e) {
            return refuse(Refusal.MALFORMED, e.getMessage());
        }
        if (!header.job().equals(rules.job())) {
            return refuse(Refusal.UNKNOWN_ROUND, "the update is for job " + header.job() + ", this is " + rules.job());
        }
        if (header.round() < rules.round()) {
            return refuse(
                    Refusal.CLOSED_ROUND,
                    "round " + header.round() + " has closed; round " + rules.round() + " is open");
        }
        if (header.round() > rules.round()) {
            return refuse(
                    Refusal.UNKNOWN_ROUND, "round " + header.round() + " is not open; round " + rules.round() + " is");
        }
        if (header.dimension() != rules.dimension()) {
            return refuse(
                    Refusal.WRONG_SHAPE,
                    "the delta has " + header.dimension() + " coordinates, the model " + rules.dimension());
        }
        if (header.exampleCount() < 1 || header.exampleCount() > rules.maxExamples()) {
            return refuse(
                    Refusal.EXAMPLE_COUNT,
                    "an update claims 1 to " + rules.maxExamples() + " examples, not " + header.exampleCount());
        }
        if (!accepted.add(client)) {
            return refuse(Refusal.DUPLICATE, client + " already has an update in round " + rules.round());
        }
        Verdict verdict = checkDelta(header, body, length);
        if (verdict instanceof Verdict.Refused) {
            // The client may send a correct update after a broken one.
            accepted.remove(client);
        }
        return verdict;
    }

    /** Refuses every later offer as {@link Refusal#CLOSED_ROUND}: the deadline passed or the round aggregated. */
    public void close() {
        closed = true;
    }

    public RoundRules rules() {
        return rules;
    }

    public int acceptedCount() {
        return accepted.size();
    }

    private Verdict checkDelta(UpdateHeader header, byte[] body, int length) {
        ModelUpdate update;
        try {
            update = UpdateCodec.decode(body, length, header);
        } catch (MalformedUpdateException e) {
            return refuse(Refusal.MALFORMED, e.getMessage());
        }
        float[] delta = update.delta();
        for (int k = 0; k < delta.length; k++) {
            if (!Float.isFinite(delta[k])) {
                return refuse(Refusal.NOT_FINITE, "coordinate " + k + " is " + delta[k]);
            }
        }
        for (Map.Entry<String, Double> metric : update.metrics().entrySet()) {
            if (!Double.isFinite(metric.getValue())) {
                return refuse(Refusal.NOT_FINITE, "metric " + metric.getKey() + " is " + metric.getValue());
            }
        }
        return new Verdict.Accepted(update);
    }

    private Verdict refuse(Refusal reason, String detail) {
        refusals.add(reason);
        return new Verdict.Refused(reason, detail);
    }
}
