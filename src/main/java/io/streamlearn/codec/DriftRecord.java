package io.streamlearn.codec;

/**
 * One drift a model's detector found, as written to the {@code drift} topic (keyed by model):
 * the version published because of it, where in the stream it was found, the prequential error
 * before and after the cut, and what the model did about it.
 *
 * @param model        the model's id
 * @param version      the version published at the drift (its reason starts with {@code drift:})
 * @param examplesSeen examples the model had learned from when the drift was found
 * @param errorBefore  mean prequential error of the detector's window before the cut
 * @param errorAfter   mean prequential error after the cut
 * @param action       the model's configured drift action ({@code report} or {@code reset})
 * @param timestamp    the stream time of the example that revealed it, epoch ms
 */
public record DriftRecord(String model, long version, long examplesSeen, double errorBefore, double errorAfter,
                          String action, long timestamp) {
}
