package io.streamlearn.topology;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Lets a warning about a key through at most once per interval, so a condition that recurs on
 * every record logs once a minute instead of flooding the log. Time comes from a monotonic
 * nanosecond clock ({@code System::nanoTime} in production, a hand-moved one in tests), never the
 * wall clock, which can jump. Thread-safe: stream threads share one instance. Keys must be a
 * bounded set (configured model ids): what was logged is remembered per key.
 */
public final class WarnLimiter {
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final Map<String, Long> lastAllowed = new ConcurrentHashMap<>();

    public WarnLimiter(Duration interval, LongSupplier nanoTime) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive, got " + interval);
        }
        this.intervalNanos = interval.toNanos();
        this.nanoTime = nanoTime;
    }

    /** Whether a warning about {@code key} may be logged now; if so, the next one waits a full interval. */
    public boolean allow(String key) {
        long now = nanoTime.getAsLong();
        boolean[] allowed = {false};
        lastAllowed.compute(key, (k, last) -> {
            // Differences, not comparisons, of nanoTime values: they may be negative and wrap.
            if (last == null || now - last >= intervalNanos) {
                allowed[0] = true;
                return now;
            }
            return last;
        });
        return allowed[0];
    }
}
