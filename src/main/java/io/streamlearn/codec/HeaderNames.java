package io.streamlearn.codec;

/** Record headers streamlearn writes or reads, besides the dead-letter ones. */
public final class HeaderNames {
    /**
     * The true label of an event held out from training by {@code produce --holdout}: scoring keeps
     * the input's headers, so {@code tail --accuracy} can compare it with the predicted label.
     */
    public static final String TRUE_LABEL = "streamlearn.label";

    private HeaderNames() {
    }
}
