package io.streamlearn.model;

/**
 * What an example is labeled with. One number means, depending on the model it trains: the class
 * index of a model with several outputs, 0/1 (or −1/+1 for tanh and sign outputs) for one binary
 * output, or the target of a regression. A vector is the whole target of the output layer
 * (one-hot, probabilities, several regression targets).
 */
public sealed interface Label {

    /** One number: a class index, a binary class or a regression target. */
    record Scalar(double value) implements Label {
    }

    /** The target of every output unit. The array is not copied: callers do not change it afterwards. */
    record Vector(double[] target) implements Label {
    }

    static Label of(double value) {
        return new Scalar(value);
    }

    static Label of(double[] target) {
        return new Vector(target);
    }
}
