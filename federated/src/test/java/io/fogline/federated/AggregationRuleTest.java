package io.fogline.federated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AggregationRuleTest {

    @Test
    void rulesReadBackFromTheirText() {
        for (String text : List.of("fedavg", "median", "trimmed-mean:0.2", "krum:2", "multi-krum:2:5")) {
            assertThat(AggregationRule.parse(text).toString()).isEqualTo(text);
        }
        assertThat(AggregationRule.parse("trimmed-mean")).isEqualTo(new TrimmedMean(0.1));
    }

    @Test
    void plansAddNormBoundingToARule() {
        AggregationPlan plan = AggregationPlan.parse("fedavg+norm-bound:1.5");

        assertThat(plan).isEqualTo(new AggregationPlan(new FedAvg(), new NormBound(1.5)));
        assertThat(plan.toString()).isEqualTo("fedavg+norm-bound:1.5");
        assertThat(AggregationPlan.parse("median")).isEqualTo(AggregationPlan.of(new CoordinateMedian()));
        assertThatThrownBy(() -> AggregationPlan.parse("fedavg+norm-bound:x"))
                .hasMessage("unknown norm bound 'x' in 'fedavg+norm-bound:x': expected a multiple of the median, e.g."
                        + " fedavg+norm-bound:1");
    }

    @Test
    void unknownTextShowsTheForms() {
        assertThatThrownBy(() -> AggregationRule.parse("bulyan"))
                .hasMessage("unknown aggregation rule 'bulyan': expected fedavg, median, trimmed-mean[:BETA], krum:F"
                        + " or multi-krum:F:M (F: Byzantine clients tolerated, M: updates averaged)");
    }

    @Test
    void krumSaysHowManyUpdatesItNeeds() {
        InMemoryUpdates four = Updates.of(new float[][] {{1}, {2}, {3}, {4}});

        assertThatThrownBy(() -> new Krum(1, 1).aggregate(four))
                .hasMessage("Krum with f=1 and m=1 needs at least 5 updates, not 4");
    }

    @Test
    void anEmptyRoundHasNothingToAggregate() {
        InMemoryUpdates none = new InMemoryUpdates(3);

        assertThatThrownBy(() -> new CoordinateMedian().aggregate(none))
                .hasMessage("there are no updates to aggregate");
    }
}
