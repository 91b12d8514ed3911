package io.streamlearn.evaluate;

/** One labeled example of an evaluation: its features and its label (a class index or a regression target). */
public record Example(double[] features, double label) {
}
