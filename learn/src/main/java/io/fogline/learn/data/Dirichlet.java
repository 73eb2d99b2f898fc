package io.fogline.learn.data;

import java.util.SplittableRandom;

/** Draws from a symmetric Dirichlet distribution as normalised Gamma variates. */
final class Dirichlet {

    private Dirichlet() {}

    static double[] sample(int dimensions, double alpha, SplittableRandom random) {
        double[] draws = new double[dimensions];
        double sum = 0;
        for (int i = 0; i < dimensions; i++) {
            draws[i] = gamma(alpha, random);
            sum += draws[i];
        }
        if (sum == 0) {
            // Tiny alphas can underflow every draw; all mass on one coordinate is the limit they approach.
            draws[random.nextInt(dimensions)] = 1;
            return draws;
        }
        for (int i = 0; i < dimensions; i++) {
            draws[i] /= sum;
        }
        return draws;
    }

    /** Marsaglia and Tsang (2000), with the boost {@code Gamma(a) = Gamma(a + 1) · U^(1/a)} for shapes below one. */
    static double gamma(double shape, SplittableRandom random) {
        if (shape < 1) {
            return gamma(shape + 1, random) * Math.pow(random.nextDouble(), 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x = random.nextGaussian();
            double v = 1 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = random.nextDouble();
            if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
                return d * v;
            }
        }
    }
}
