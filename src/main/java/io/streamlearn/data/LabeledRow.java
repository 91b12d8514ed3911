package io.streamlearn.data;

/** One row of a data set: the features and the integer label. */
public record LabeledRow(double[] features, int label) {
}
