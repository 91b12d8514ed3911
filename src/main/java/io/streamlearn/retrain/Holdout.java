package io.streamlearn.retrain;

/**
 * Decides, from a record's position alone, whether it is held out: the same topic gives the same
 * split in every epoch and every run, without remembering anything.
 */
public final class Holdout {
    private Holdout() {
    }

    public static boolean isHeldOut(long position, long seed, double share) {
        if (share <= 0) {
            return false;
        }
        return (mix(position ^ mix(seed)) >>> 11) * 0x1.0p-53 < share;
    }

    /** SplitMix64's finaliser: a bijective mix with good avalanche. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** A record's position: its partition and offset in one number. */
    public static long position(int partition, long offset) {
        return ((long) partition << 48) ^ offset;
    }
}
