package io.streamlearn.produce;

import java.util.BitSet;
import java.util.Random;

/**
 * Which rows go to {@code events}, held out, instead of {@code examples}. When the number of rows
 * is known (a count, a data set) exactly round(n × share) of them are held out, chosen by the
 * seed: the tutorial's 75/25 split of 200 is 150/50, not about that. Otherwise each row is held
 * out with probability {@code share}.
 */
public final class HoldoutDraw {
    /** Above this many rows the exact choice's bit set is not worth its memory; the draw is per row. */
    private static final long EXACT_UP_TO = 10_000_000;

    private final double share;
    private final Random random;
    private final BitSet exact;

    public HoldoutDraw(double share, long rows, long seed) {
        this.share = share;
        this.random = new Random(seed ^ 0x5DEECE66DL);
        this.exact = share > 0 && rows > 0 && rows <= EXACT_UP_TO ? choose(rows, (int) Math.round(rows * share)) : null;
    }

    /** Floyd's algorithm: k distinct indices of n without materialising a permutation. */
    private BitSet choose(long n, int k) {
        BitSet chosen = new BitSet((int) n);
        for (long j = n - k; j < n; j++) {
            int t = random.nextInt((int) j + 1);
            chosen.set(chosen.get(t) ? (int) j : t);
        }
        return chosen;
    }

    /** Whether row {@code index} is held out; rows are asked about in order, each once. */
    public boolean heldOut(long index) {
        return exact != null ? exact.get((int) index) : share > 0 && random.nextDouble() < share;
    }
}
