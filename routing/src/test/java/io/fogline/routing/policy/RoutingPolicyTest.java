package io.fogline.routing.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fogline.core.error.InferenceException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutingPolicyTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static RoutingPolicy parse(String json) throws Exception {
        return RoutingPolicy.parse(JSON.readTree(json));
    }

    @Test
    void readsEverySettingOfAFullSection() throws Exception {
        RoutingPolicy policy = parse("""
                {"output": "logits", "activation": "softmax",
                 "escalate_when": {"max_probability_below": 0.8, "class_max_probability_below": {"6": 0.95},
                                   "entropy_above": 0.5, "margin_below": 0.2,
                                   "score_output": "confidence", "score_below": 0.4},
                 "parents": [{"name": "fog", "url": "http://fog.local:8000", "model": "big", "version": "2"},
                             {"url": "https://cloud.example:443", "model": "huge", "binary": false}],
                 "timeout_ms": 300,
                 "retries": {"max_retries": 2, "initial_backoff_ms": 5, "max_backoff_ms": 50},
                 "circuit_breaker": {"failure_threshold": 3, "open_ms": 1000, "half_open_probes": 2},
                 "cache": {"max_bytes": 1048576, "ttl_ms": 60000}}""");

        assertThat(policy.logits()).isTrue();
        assertThat(policy.rules().classMaxProbabilityBelow()).isEqualTo(Map.of(6, 0.95));
        assertThat(policy.rules().readsProbabilities()).isTrue();
        assertThat(policy.parentName(0)).isEqualTo("fog");
        assertThat(policy.parentName(1)).isEqualTo("cloud.example");
        assertThat(policy.parents().get(1).binaryOrDefault()).isFalse();
        assertThat(policy.defaultTimeout()).isEqualTo(Duration.ofMillis(300));
        assertThat(policy.retriesOrDefault()).isEqualTo(new RoutingPolicy.Retries(2, 5, 50));
        assertThat(policy.breakerOrDefault()).isEqualTo(new RoutingPolicy.Breaker(3, 1000, 2));
        assertThat(policy.cache()).isEqualTo(new RoutingPolicy.Cache(1048576, 60000));
    }

    @Test
    void aSectionWithOnlyACacheHasDefaultsForTheRest() throws Exception {
        RoutingPolicy policy = parse("{\"cache\": {\"max_bytes\": 1000, \"ttl_ms\": 10}}");

        assertThat(policy.parents()).isEmpty();
        assertThat(policy.rules().isEmpty()).isTrue();
        assertThat(policy.logits()).isFalse();
        assertThat(policy.defaultTimeout()).isEqualTo(Duration.ofMillis(RoutingPolicy.DEFAULT_TIMEOUT_MS));
        assertThat(policy.breakerOrDefault()).isEqualTo(RoutingPolicy.Breaker.DEFAULT);
    }

    @Test
    void refusesAnUnknownField() {
        assertThatThrownBy(() -> parse("{\"escalate_below\": 0.5}"))
                .isInstanceOf(InferenceException.class)
                .hasMessageStartingWith("invalid routing section: Unrecognized field \"escalate_below\"");
    }

    @Test
    void refusesAThresholdOutsideZeroToOne() {
        assertThatThrownBy(() -> parse("""
                        {"escalate_when": {"max_probability_below": 1.5},
                         "parents": [{"url": "http://fog:8000", "model": "m"}]}"""))
                .hasMessage("invalid routing section: max_probability_below must be within [0, 1], got 1.5");
    }

    @Test
    void refusesRulesWithoutAParentAndParentsWithoutARule() {
        assertThatThrownBy(() -> parse("{\"escalate_when\": {\"margin_below\": 0.1}}"))
                .hasMessage("invalid routing section: escalate_when needs at least one parent to escalate to");
        assertThatThrownBy(() -> parse("{\"parents\": [{\"url\": \"http://fog:8000\", \"model\": \"m\"}]}"))
                .hasMessage("invalid routing section: the parents are never asked: escalate_when names no rule");
    }

    @Test
    void refusesAParentWithoutAnHttpUrl() {
        assertThatThrownBy(() -> parse("""
                        {"escalate_when": {"margin_below": 0.1}, "parents": [{"url": "fog:8000", "model": "m"}]}"""))
                .hasMessage("invalid routing section: parents[0].url must be an http or https URL with a host, got"
                        + " \"fog:8000\"");
        assertThatThrownBy(() -> parse("""
                        {"escalate_when": {"margin_below": 0.1}, "parents": [{"url": "http://fog:8000"}]}"""))
                .hasMessage("invalid routing section: parents[0] needs a 'url' and a 'model'");
    }

    @Test
    void refusesTwoParentsOfOneName() {
        assertThatThrownBy(() -> parse("""
                        {"escalate_when": {"margin_below": 0.1},
                         "parents": [{"url": "http://fog:8000", "model": "a"}, {"url": "http://fog:9000", "model": "b"}]}
                        """))
                .hasMessage("invalid routing section: parents[1]: the name 'fog' is taken by an earlier parent");
    }

    @Test
    void refusesAnUnknownActivationAndAScoreWithoutItsOutput() {
        assertThatThrownBy(() -> parse("{\"activation\": \"sigmoid\"}"))
                .hasMessage("invalid routing section: activation must be \"softmax\" (the output holds logits) or"
                        + " \"none\", got \"sigmoid\"");
        assertThatThrownBy(() -> parse("""
                        {"escalate_when": {"score_below": 0.3}, "parents": [{"url": "http://fog:8000", "model": "m"}]}
                        """))
                .hasMessage("invalid routing section: score_below and score_output go together: one names the"
                        + " output, the other the threshold");
    }

    @Test
    void refusesNonPositiveBudgetsAndCacheSizes() {
        assertThatThrownBy(() -> parse("{\"timeout_ms\": 0}"))
                .hasMessage("invalid routing section: timeout_ms must be positive, got 0");
        assertThatThrownBy(() -> parse("{\"cache\": {\"max_bytes\": 0, \"ttl_ms\": 10}}"))
                .hasMessage("invalid routing section: cache: max_bytes and ttl_ms must be positive");
    }
}
