package io.streamlearn.data;

import java.util.Iterator;
import java.util.Random;

/**
 * The rotating hyperplane stream as MOA's HyperplaneGenerator and River's synth.Hyperplane make it
 * (Hulten, Spencer and Domingos 2001): x uniform in [0, 1]^d, weights w uniform in [0, 1], label
 * 1 when Σ wᵢxᵢ ≥ ½ Σ wᵢ. Slow drift: after every example each of the first {@code driftFeatures}
 * weights moves by ±{@code magnitude}, its direction reversing with probability {@code sigma};
 * {@code noise} of the labels are flipped. The benchmark's HYP(10, 0.001): 10 features, 2 drifting,
 * magnitude 0.001, 5 % noise, 10 % reversals. A pure function of its seed.
 */
public final class RotatingHyperplane implements Iterator<LabeledRow> {
    private final Random random;
    private final double[] weights;
    private final int[] direction;
    private final double magnitude;
    private final double noise;
    private final double sigma;

    public RotatingHyperplane(int features, int driftFeatures, double magnitude, double noise, double sigma, long seed) {
        if (features < 2 || driftFeatures < 0 || driftFeatures > features) {
            throw new IllegalArgumentException("need at least 2 features and at most that many drifting");
        }
        this.random = new Random(seed);
        this.weights = new double[features];
        for (int i = 0; i < features; i++) {
            weights[i] = random.nextDouble();
        }
        this.direction = new int[features];
        for (int i = 0; i < driftFeatures; i++) {
            direction[i] = 1;
        }
        this.magnitude = magnitude;
        this.noise = noise;
        this.sigma = sigma;
    }

    /** HYP(10, 0.001) with 5 % noise: the benchmark's slowly drifting hyperplane. */
    public static RotatingHyperplane benchmark(long seed) {
        return new RotatingHyperplane(10, 2, 0.001, 0.05, 0.1, seed);
    }

    @Override
    public boolean hasNext() {
        return true;
    }

    @Override
    public LabeledRow next() {
        double[] x = new double[weights.length];
        double sum = 0;
        double weightSum = 0;
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextDouble();
            sum += weights[i] * x[i];
            weightSum += weights[i];
        }
        int label = sum >= 0.5 * weightSum ? 1 : 0;
        if (random.nextDouble() < noise) {
            label = 1 - label;
        }
        for (int i = 0; i < weights.length; i++) {
            if (direction[i] != 0) {
                weights[i] += direction[i] * magnitude;
                if (random.nextDouble() < sigma) {
                    direction[i] = -direction[i];
                }
            }
        }
        return new LabeledRow(x, label);
    }
}
