package io.streamlearn.produce;

/**
 * {@code --rate}: record i is sent no sooner than start + i/rate, and stamped with event time
 * base + i/rate, base a whole second, as if every record had been sent exactly on schedule: a
 * 1-second event-time window then holds the same records however fast the machine is. Without
 * a rate, records go as fast as the producer takes them and keep the producer's timestamps.
 */
public final class RateLimit {
    private final double perSecond;
    private long startNanos;
    private long baseMillis;

    /** {@code perSecond} 0: no limit. */
    public RateLimit(double perSecond) {
        if (perSecond < 0) {
            throw new IllegalArgumentException("a rate is 0 (unlimited) or positive, not " + perSecond);
        }
        this.perSecond = perSecond;
    }

    /** Starts the clock: called once the producer is connected, so starting the JVM and the client does not count. */
    public void start() {
        startNanos = System.nanoTime();
        baseMillis = (System.currentTimeMillis() / 1000 + 1) * 1000;
    }

    /** Event time of record {@code i}; null without a rate (the producer stamps it). */
    public Long timestamp(long i) {
        return perSecond <= 0 ? null : baseMillis + (long) Math.floor(i * 1000.0 / perSecond);
    }

    /** Waits until record {@code i} (counting from 0) is due. */
    public void awaitTurn(long i) throws InterruptedException {
        if (perSecond <= 0) {
            return;
        }
        long wait = startNanos + (long) (i / perSecond * 1e9) - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }
}
