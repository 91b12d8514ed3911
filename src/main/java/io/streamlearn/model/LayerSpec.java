package io.streamlearn.model;

/** One fully connected layer: {@code units} outputs, each g(w·x + b). */
public record LayerSpec(int units, Activation activation) {
}
