package io.fogline.federated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Against the figures published with the reference implementations: TensorFlow Privacy's {@code rdp_accountant_test}
 * and Google's {@code dp_accounting} {@code rdp_privacy_accountant_test}.
 */
class RdpAccountantTest {

    private static final double[] TWO_TO_32 =
            IntStream.rangeClosed(2, 32).asDoubleStream().toArray();

    @Test
    void rdpOfTheSampledGaussianMatchesTensorFlowPrivacy() {
        // compute_rdp(q=0.1, noise_multiplier=2, steps=10, orders=5) = 0.07737
        assertThat(10 * RdpAccountant.sampledGaussian(0.1, 2, 5)).isCloseTo(0.07737, within(5e-6));
        // compute_rdp(0.01, 2.5, 50, [.., 5, 50, 100, ..]) = [.., 0.00218075, 0.023846, 167.416307, ..]
        assertThat(50 * RdpAccountant.sampledGaussian(0.01, 2.5, 5)).isCloseTo(0.00218075, within(1e-5));
        assertThat(50 * RdpAccountant.sampledGaussian(0.01, 2.5, 50)).isCloseTo(0.023846, within(1e-5));
        assertThat(50 * RdpAccountant.sampledGaussian(0.01, 2.5, 100)).isCloseTo(167.416307, within(1e-5));
    }

    @Test
    void withoutSamplingItIsTheGaussianMechanismsAlphaOverTwoSigmaSquared() {
        // compute_rdp(1, 10, 1, 20) = 0.1; and no data, no privacy spent.
        assertThat(RdpAccountant.sampledGaussian(1, 10, 20)).isEqualTo(0.1);
        assertThat(RdpAccountant.sampledGaussian(0, 10, 20)).isZero();
    }

    @Test
    void pureDpConvertsAsComputedByHand() {
        // dp_accounting: orders 2..32, RDP 1.1 at each, δ = 1e-5: ε = 1.32783806176 at order 32.
        double[] rdp = new double[TWO_TO_32.length];
        Arrays.fill(rdp, 1.1);

        RdpAccountant.Spent spent = RdpAccountant.epsilon(TWO_TO_32, rdp, 1e-5);

        assertThat(spent.epsilon()).isCloseTo(1.32783806176, within(1e-9));
        assertThat(spent.order()).isEqualTo(32);
        assertThat(RdpAccountant.delta(TWO_TO_32, rdp, 1.32783806176)).isCloseTo(1e-5, within(1e-12));
    }

    @Test
    void theGaussianMechanismTunedForOneEpsilonGivesOne() {
        // dp_accounting: σ = 4.530877117 gives exactly (1, 1e-6)-DP over orders 1.000..99.999 (step 0.001).
        double[] orders =
                IntStream.range(1001, 100_000).mapToDouble(i -> i * 0.001).toArray();
        RdpAccountant accountant = new RdpAccountant(orders);
        accountant.compose(1, 4.530877117, 1);

        assertThat(accountant.epsilon(1e-6).epsilon()).isCloseTo(1, within(1e-6));
        assertThat(accountant.delta(1)).isCloseTo(1e-6, within(1e-12));
    }

    @Test
    void tenThousandStepsGiveTheEpsilonOfTheImprovedConversion() {
        // TF Privacy's test gives ε = 1.258575 at order 20 for q = 0.01, σ = 4, 10,000 steps, δ = 1e-5 with the classic
        // conversion rdp − log δ / (α − 1); the improved one used here must give less, and equal the classic when
        // computed the classic way.
        RdpAccountant accountant = new RdpAccountant(TWO_TO_32);
        accountant.compose(0.01, 4, 10_000);
        double[] rdp = accountant.rdp();
        double classic = Double.POSITIVE_INFINITY;
        for (int i = 0; i < rdp.length; i++) {
            classic = Math.min(classic, rdp[i] - Math.log(1e-5) / (TWO_TO_32[i] - 1));
        }

        assertThat(classic).isCloseTo(1.258575, within(1e-6));
        assertThat(accountant.epsilon(1e-5).epsilon()).isLessThan(classic).isGreaterThan(0.9);
    }

    @Test
    void epsilonAndDeltaAreInverses() {
        // dp_accounting's consistency check, over its grid.
        for (double q : new double[] {0.01, 0.1, 0.8, 1}) {
            for (double sigma : new double[] {0.1, 1, 10}) {
                RdpAccountant accountant = new RdpAccountant();
                accountant.compose(q, sigma, 1);
                for (double delta : new double[] {0.9, 0.1, 1e-3, 1e-5, 1e-9}) {
                    double epsilon = accountant.epsilon(delta).epsilon();
                    if (epsilon > 0) {
                        assertThat(accountant.delta(epsilon)).isCloseTo(delta, within(delta * 1e-6));
                    } else {
                        assertThat(accountant.delta(epsilon)).isLessThanOrEqualTo(delta);
                    }
                }
            }
        }
    }

    @Test
    void spendingAccumulatesAndResumes() {
        RdpAccountant running = new RdpAccountant();
        running.compose(0.1, 1.2, 30);
        double after30 = running.epsilon(1e-5).epsilon();
        RdpAccountant resumed = new RdpAccountant(running.orders(), running.rdp());

        running.compose(0.1, 1.2, 30);
        resumed.compose(0.1, 1.2, 30);

        assertThat(running.epsilon(1e-5).epsilon()).isGreaterThan(after30);
        assertThat(resumed.epsilon(1e-5)).isEqualTo(running.epsilon(1e-5));
    }
}
