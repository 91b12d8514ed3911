package io.streamlearn.codec;

/** A decoded event to score. */
public record Event(String id, String model, double[] features) {
}
