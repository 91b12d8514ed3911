package io.streamlearn.produce;

/** What a run of produce wrote: examples and held-out events, acknowledged by the broker, and how long it took. */
public record Sent(long examples, long events, long nanos) {

    public double seconds() {
        return Math.max(1e-9, nanos / 1e9);
    }

    public double perSecond() {
        return (examples + events) / seconds();
    }
}
