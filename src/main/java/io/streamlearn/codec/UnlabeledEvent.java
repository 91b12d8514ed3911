package io.streamlearn.codec;

/** A decoded event to score. */
public record UnlabeledEvent(String id, String model, double[] features) {
}
