package io.fogline.federated;

/**
 * A rule, optionally behind norm bounding: what a job names as its aggregation strategy. Written as the rule's text,
 * with {@code +norm-bound:M} appended for bounding, e.g. {@code fedavg+norm-bound:1} or {@code median}.
 *
 * @param bound norm bounding before the rule; null for none
 */
public record AggregationPlan(AggregationRule rule, NormBound bound) {

    private static final String BOUND = "+norm-bound:";

    public static AggregationPlan of(AggregationRule rule) {
        return new AggregationPlan(rule, null);
    }

    public static AggregationPlan parse(String text) {
        int plus = text.indexOf(BOUND);
        if (plus < 0) {
            return of(AggregationRule.parse(text));
        }
        String multiple = text.substring(plus + BOUND.length());
        try {
            return new AggregationPlan(
                    AggregationRule.parse(text.substring(0, plus)), new NormBound(Double.parseDouble(multiple)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("unknown norm bound '" + multiple + "' in '" + text
                    + "': expected a multiple of the median, e.g." + " fedavg+norm-bound:1");
        }
    }

    public float[] aggregate(UpdateSet updates) {
        return rule.aggregate(bound == null ? updates : bound.apply(updates));
    }

    @Override
    public String toString() {
        return bound == null ? rule.toString() : rule + BOUND + bound.multiple();
    }
}
