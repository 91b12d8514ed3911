package io.streamlearn.codec;

/**
 * A decoded labeled example. {@code labelVector} is null when the label is a single number
 * ({@code label}); otherwise it is the target vector and {@code label} is unused.
 */
public record Example(String id, String model, double[] features, double label, double[] labelVector) {

    public static Example of(String id, String model, double[] features, double label) {
        return new Example(id, model, features, label, null);
    }

    public boolean hasVectorLabel() {
        return labelVector != null;
    }
}
