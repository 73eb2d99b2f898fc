package io.fogline.control.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DownsamplingTest {

    @Test
    void tiersAreReadAsAgeEqualsBucketAndWrittenBackTheSameWay() {
        Downsampling tiers = Downsampling.parse("2h=5m, 2d=1h");

        assertThat(tiers.tiers())
                .containsExactly(
                        new Downsampling.Tier(Duration.ofHours(2), Duration.ofMinutes(5)),
                        new Downsampling.Tier(Duration.ofDays(2), Duration.ofHours(1)));
        assertThat(tiers).hasToString("2h=5m,2d=1h").isEqualTo(Downsampling.defaults());
        assertThat(Downsampling.parse("off").tiers()).isEmpty();
        assertThat(Downsampling.parse("90m=1m")).hasToString("90m=1m");
    }

    @Test
    void aSpecThatIsNotAgeEqualsBucketIsRefusedWithWhatIsExpected() {
        assertThatThrownBy(() -> Downsampling.parse("2h:5m"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("telemetry down-sampling must be AGE=BUCKET,... (e.g. 2h=5m,2d=1h) or off, got '2h:5m'");
        assertThatThrownBy(() -> Downsampling.parse("2h=5min"))
                .hasMessage("a down-sampling duration is a number and s, m, h or d (e.g. 5m), got '5min'");
        assertThatThrownBy(() -> Downsampling.parse(""))
                .hasMessage("telemetry down-sampling must be AGE=BUCKET,... (e.g. 2h=5m,2d=1h) or off, got ''");
    }

    @Test
    void aBucketMustDivideADayAndBeNoYoungerThanItsAge() {
        assertThatThrownBy(() -> Downsampling.parse("2h=7m"))
                .hasMessage("a down-sampling bucket must be a minute to a day and divide a day, got 7m");
        assertThatThrownBy(() -> Downsampling.parse("2h=30s"))
                .hasMessage("a down-sampling bucket must be a minute to a day and divide a day, got 30s");
        assertThatThrownBy(() -> Downsampling.parse("1h=2h"))
                .hasMessage("windows are down-sampled into 2h buckets only once they are at least that old, got 1h");
    }

    @Test
    void tiersMustGrowOlderAndCoarserEachBucketAMultipleOfTheOneBefore() {
        String nesting = "down-sampling tiers must grow older and coarser, each bucket a multiple of the one before: ";
        assertThatThrownBy(() -> Downsampling.parse("2h=10m,1d=15m")).hasMessage(nesting + "2h=10m then 1d=15m");
        assertThatThrownBy(() -> Downsampling.parse("2d=5m,2h=1h")).hasMessage(nesting + "2d=5m then 2h=1h");
        assertThatThrownBy(() -> Downsampling.parse("2h=5m,1d=5m")).hasMessage(nesting + "2h=5m then 1d=5m");
        assertThat(new Downsampling(List.of()).tiers()).isEmpty();
    }
}
