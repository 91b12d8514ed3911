package io.streamlearn.data;

import java.util.Iterator;
import java.util.Random;

/**
 * SEA concepts (Street and Kim 2001; MOA's SEAGenerator, River's synth.SEA): three features uniform
 * in [0, 10], label 1 when x₁ + x₂ ≤ θ (the third is noise). The concept changes abruptly every
 * {@code conceptLength} examples through θ = 8, 9, 7, 9.5 (and round again); {@code noise} of the
 * labels are flipped. The benchmark: 4 concepts of 12,500 examples (50,000), 10 % noise. A pure
 * function of its seed.
 */
public final class SeaConcepts implements Iterator<LabeledRow> {
    static final double[] THRESHOLDS = {8, 9, 7, 9.5};

    private final Random random;
    private final long conceptLength;
    private final double noise;
    private long t;

    public SeaConcepts(long conceptLength, double noise, long seed) {
        if (conceptLength < 1) {
            throw new IllegalArgumentException("a concept lasts at least one example");
        }
        this.random = new Random(seed);
        this.conceptLength = conceptLength;
        this.noise = noise;
    }

    /** 12,500 examples per concept, 10 % noise. */
    public static SeaConcepts benchmark(long seed) {
        return new SeaConcepts(12_500, 0.10, seed);
    }

    /** θ of the concept example {@code t} (0-based) belongs to. */
    public double threshold(long t) {
        return THRESHOLDS[(int) ((t / conceptLength) % THRESHOLDS.length)];
    }

    @Override
    public boolean hasNext() {
        return true;
    }

    @Override
    public LabeledRow next() {
        double[] x = {10 * random.nextDouble(), 10 * random.nextDouble(), 10 * random.nextDouble()};
        int label = x[0] + x[1] <= threshold(t++) ? 1 : 0;
        if (random.nextDouble() < noise) {
            label = 1 - label;
        }
        return new LabeledRow(x, label);
    }
}
