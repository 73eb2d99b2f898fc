package io.fogline.control.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PsiTest {

    @Test
    void theSameDistributionIsStableAndAShiftedOneIsNot() {
        long[] reference = {250, 250, 250, 250};

        assertThat(Psi.of(reference, new long[] {0, 100, 100, 100, 100, 0})).isLessThan(0.01);
        assertThat(Psi.of(reference, new long[] {0, 10, 40, 150, 200, 0})).isGreaterThan(0.2);
    }

    @Test
    void valuesBeyondTheReferenceRangeCountAsDrift() {
        assertThat(Psi.of(new long[] {500, 500}, new long[] {0, 50, 20, 30})).isGreaterThan(0.2);
    }

    @Test
    void refusesCountsOfAnotherBinning() {
        assertThatThrownBy(() -> Psi.of(new long[] {1, 2}, new long[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("live counts need 4 bins, got 2");
    }
}
