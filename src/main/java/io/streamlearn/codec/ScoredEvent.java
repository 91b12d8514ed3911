package io.streamlearn.codec;

/** A scored event: what the scoring processor writes to scored-events. */
public record ScoredEvent(String id, String model, long version, double[] output, int label, long timestamp) {
}
