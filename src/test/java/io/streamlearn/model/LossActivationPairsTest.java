package io.streamlearn.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Layer activations a loss cannot train through are refused when the spec is checked, with a
 * message that says what to use, instead of a model that runs and never learns.
 */
class LossActivationPairsTest {
    private static final OptimizerSpec SGD = OptimizerSpec.defaults(OptimizerKind.SGD);

    private static List<String> problems(LossKind loss, Activation... layers) {
        List<LayerSpec> ls = Stream.of(layers).map(g -> new LayerSpec(g == Activation.SOFTMAX ? 3 : 1, g)).toList();
        return ModelSpec.problems(2, ls, loss, SGD, 0.0);
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of(LossKind.BINARY_CROSS_ENTROPY, Activation.SOFTMAX, "loss binary_cross_entropy cannot train a softmax output layer (use sigmoid)"),
                Arguments.of(LossKind.BINARY_CROSS_ENTROPY, Activation.LINEAR, "loss binary_cross_entropy cannot train a linear output layer (use sigmoid)"),
                Arguments.of(LossKind.BINARY_CROSS_ENTROPY, Activation.STEP, "loss binary_cross_entropy cannot train a step output layer (use sigmoid)"),
                Arguments.of(LossKind.CATEGORICAL_CROSS_ENTROPY, Activation.SIGMOID, "loss categorical_cross_entropy cannot train a sigmoid output layer (use softmax)"),
                Arguments.of(LossKind.SQUARED_ERROR, Activation.STEP, "loss squared_error cannot train a step output layer (use linear, relu, sigmoid, tanh, softmax)"),
                Arguments.of(LossKind.SQUARED_ERROR, Activation.SIGN, "loss squared_error cannot train a sign output layer (use linear, relu, sigmoid, tanh, softmax)"),
                Arguments.of(LossKind.HINGE, Activation.SIGN, "loss hinge cannot train a sign output layer (use linear, tanh)"),
                Arguments.of(LossKind.HINGE, Activation.SIGMOID, "loss hinge cannot train a sigmoid output layer (use linear, tanh)"),
                Arguments.of(LossKind.HINGE, Activation.RELU, "loss hinge cannot train a relu output layer (use linear, tanh)"),
                Arguments.of(LossKind.PERCEPTRON, Activation.SIGMOID, "loss perceptron cannot train a sigmoid output layer (use step, sign, linear)"),
                Arguments.of(LossKind.PERCEPTRON, Activation.RELU, "loss perceptron cannot train a relu output layer (use step, sign, linear)"));
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("refused")
    void refusedOutputPair(LossKind loss, Activation output, String message) {
        assertEquals(List.of(message), problems(loss, output));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ModelSpec(2, List.of(new LayerSpec(output == Activation.SOFTMAX ? 3 : 1, output)), loss, SGD, 0.0, 1L));
        assertEquals(message, e.getMessage());
    }

    /**
     * Step and sign pass no gradient back, and the perceptron rule trains only the output layer:
     * under any loss a hidden step or sign layer keeps its random initial weights.
     */
    @Test
    void hiddenStepOrSignLayersAreRefusedUnderEveryLoss() {
        String tail = ", whose gradient is zero, so no loss trains it (the perceptron rule trains only the output layer)"
                + " and it keeps its initial weights: use tanh or relu for hidden layers, or ";
        assertEquals(List.of("layer 0 is step" + tail + "step in a single-layer perceptron"),
                problems(LossKind.BINARY_CROSS_ENTROPY, Activation.STEP, Activation.SIGMOID));
        assertEquals(List.of("layer 1 is sign" + tail + "sign in a single-layer perceptron"),
                problems(LossKind.SQUARED_ERROR, Activation.TANH, Activation.SIGN, Activation.LINEAR));
        assertEquals(List.of("layer 0 is step" + tail + "step in a single-layer perceptron"),
                problems(LossKind.PERCEPTRON, Activation.STEP, Activation.STEP));
        assertEquals(List.of(), problems(LossKind.PERCEPTRON, Activation.TANH, Activation.STEP));
        assertEquals(List.of(), problems(LossKind.PERCEPTRON, Activation.STEP));
    }

    @Test
    void aPairProblemIsListedWithTheOthers() {
        List<String> p = ModelSpec.problems(0, List.of(new LayerSpec(1, Activation.LINEAR)), LossKind.BINARY_CROSS_ENTROPY,
                SGD.withLearningRate(-1), 0.0);
        assertEquals(3, p.size(), p.toString());
        assertTrue(p.contains("loss binary_cross_entropy cannot train a linear output layer (use sigmoid)"), p.toString());
    }

    @Test
    void theUsualModelsPass() {
        assertEquals(List.of(), problems(LossKind.BINARY_CROSS_ENTROPY, Activation.TANH, Activation.SIGMOID));
        assertEquals(List.of(), problems(LossKind.CATEGORICAL_CROSS_ENTROPY, Activation.RELU, Activation.SOFTMAX));
        assertEquals(List.of(), problems(LossKind.SQUARED_ERROR, Activation.RELU, Activation.LINEAR));
        assertEquals(List.of(), problems(LossKind.SQUARED_ERROR, Activation.RELU));
        assertEquals(List.of(), problems(LossKind.HINGE, Activation.LINEAR));
        assertEquals(List.of(), problems(LossKind.PERCEPTRON, Activation.STEP));
        assertEquals(List.of(), problems(LossKind.PERCEPTRON, Activation.SIGN));
    }
}
