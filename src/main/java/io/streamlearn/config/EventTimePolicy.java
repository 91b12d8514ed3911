package io.streamlearn.config;

/**
 * How a model treats its records' timestamps. Each model keeps its own event-time clock, the
 * newest timestamp among the records it accepted; its windows close on that clock alone.
 *
 * @param graceMs     window mode: how long (in the model's event time) a window stays open after
 *                    its end, so that a record arriving out of order still joins its own window;
 *                    a record whose window has closed is counted and dead-lettered {@code LATE}.
 *                    0 closes a window with the first record at or after its end.
 * @param maxFutureMs how far ahead of the learner's wall clock a record's timestamp may be; a
 *                    record stamped later is dead-lettered {@code FUTURE_TIMESTAMP} before it
 *                    reaches the model, so it can never move the model's clock ahead of its data
 */
public record EventTimePolicy(long graceMs, long maxFutureMs) {
    /**
     * Windows close as soon as the model's clock passes their end: what windows always did, so an
     * in-order stream gives the same updates, bit for bit, as before grace existed.
     */
    public static final long DEFAULT_GRACE_MS = 0;
    /**
     * One minute: far more than the clock skew of hosts that synchronise their clocks, and
     * {@code produce --rate} stamps at most a second ahead; yet a wrongly stamped record can push a
     * model's clock at most a minute ahead of its data (later records of that minute are then late).
     * Kafka's brokers refuse CreateTime records more than an hour ahead by default, a looser bound.
     */
    public static final long DEFAULT_MAX_FUTURE_MS = 60_000;

    public EventTimePolicy {
        if (graceMs < 0 || maxFutureMs < 0) {
            throw new IllegalArgumentException("graceMs and maxFutureMs must not be negative: " + graceMs + ", " + maxFutureMs);
        }
    }

    public static EventTimePolicy defaults() {
        return new EventTimePolicy(DEFAULT_GRACE_MS, DEFAULT_MAX_FUTURE_MS);
    }

    /**
     * Whether {@code timestamp} is beyond {@code now} plus the tolerance. {@code now} is the one
     * reading of a wall clock in event-time handling; callers pass it in, so tests choose it.
     */
    public boolean isFuture(long timestamp, long now) {
        // Subtracted, not added: now + maxFutureMs overflows for a tolerance near Long.MAX_VALUE.
        return timestamp > now && timestamp - now > maxFutureMs;
    }
}
