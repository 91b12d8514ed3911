package io.streamlearn.codec;

/** A scored event: what the scoring processor writes to scored-events. */
public record Prediction(String id, String model, long version, double[] output, int label, long timestamp) {
}
