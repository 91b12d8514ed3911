package io.streamlearn.retrain;

/** Examples that can be read again from the start, once per epoch, in the same order. */
public interface EpochSource {

    /** Receives one example: features, a numeric label or a label vector, and its position. */
    @FunctionalInterface
    interface Sink {
        void accept(double[] x, double label, double[] labelVector, long position);
    }

    /** Reads every example once, in order. */
    void readAll(Sink sink);
}
