package io.streamlearn.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What cannot learn is refused, the model when the spec says so, the record when its label does,
 * each with what to use instead.
 */
class SpecRefusalsTest {
    private static final OptimizerSpec SGD = OptimizerSpec.defaults(OptimizerKind.SGD);

    private static String only(List<String> problems) {
        assertEquals(1, problems.size(), problems.toString());
        return problems.get(0);
    }

    private static ModelSpec spec(LossKind loss, int units, Activation out) {
        return new ModelSpec(2, List.of(new LayerSpec(units, out)), loss, SGD, 0, 1L);
    }

    private static String labelProblem(ModelSpec spec, double... y) {
        RecordCheck.Problem p = RecordCheck.label("m", spec, Label.of(y));
        return p == null ? null : p.kind() + ": " + p.detail();
    }

    @Test
    void aSoftmaxOfOneUnit() {
        String p = only(ModelSpec.problems(2, List.of(new LayerSpec(1, Activation.SOFTMAX)),
                LossKind.CATEGORICAL_CROSS_ENTROPY, SGD, 0));
        assertTrue(p.contains("softmax of one unit, which outputs 1 whatever its input"), p);
        assertTrue(p.contains("use one sigmoid unit with binary_cross_entropy, or a softmax of 2 units"), p);
        assertThrows(IllegalArgumentException.class, () -> spec(LossKind.SQUARED_ERROR, 1, Activation.SOFTMAX));
    }

    @Test
    void categoricalLabelsThatAreNotADistribution() {
        ModelSpec s = spec(LossKind.CATEGORICAL_CROSS_ENTROPY, 3, Activation.SOFTMAX);
        String p = labelProblem(s, 0.5, 0.5, 0.5);
        assertTrue(p.startsWith("LABEL_OUT_OF_RANGE: categorical_cross_entropy needs a distribution"), p);
        assertTrue(p.contains("sums to 1.5, not 1 (normalise it, or give the class index"), p);
        assertTrue(labelProblem(s, 1.5, -0.5, 0).contains("label[0] is 1.5, outside [0, 1]"));
        assertNull(labelProblem(s, 0, 1, 0));
        assertNull(labelProblem(s, 0.2, 0.3, 0.5));
        assertNull(labelProblem(s, 0.1, 0.2, 0.7), "0.1 + 0.2 + 0.7 is not exactly 1 in binary: tolerated");
    }

    @Test
    void binaryCrossEntropyTargetsOutsideTheUnitInterval() {
        ModelSpec s = spec(LossKind.BINARY_CROSS_ENTROPY, 2, Activation.SIGMOID);
        String p = labelProblem(s, 0.5, 2);
        assertEquals("LABEL_OUT_OF_RANGE: binary_cross_entropy targets are probabilities in [0, 1]: label[1] is 2.0"
                + " (for other targets use squared_error)", p);
        assertNull(labelProblem(s, 1, 0.25));
    }

    @Test
    void hingeVectorLabelsAreZeroOrOneNotMinusOne() {
        ModelSpec s = spec(LossKind.HINGE, 2, Activation.TANH);
        assertEquals("LABEL_OUT_OF_RANGE: hinge labels are 0 or 1 per output (the loss reads them as −1/+1): label[0] is"
                + " -1.0 (write 0 for the negative class)", labelProblem(s, -1, 1));
        assertNull(labelProblem(s, 0, 1));
        assertTrue(labelProblem(spec(LossKind.PERCEPTRON, 2, Activation.STEP), 0.5, 1).startsWith(
                "LABEL_OUT_OF_RANGE: perceptron labels are 0 or 1"));
        assertNull(labelProblem(spec(LossKind.SQUARED_ERROR, 2, Activation.TANH), -1, 1), "a regression takes any target");
    }

    @Test
    void stepOrSignHiddenLayersUnderThePerceptronLoss() {
        String p = only(ModelSpec.problems(2, List.of(new LayerSpec(4, Activation.SIGN), new LayerSpec(1, Activation.STEP)),
                LossKind.PERCEPTRON, SGD, 0));
        assertTrue(p.startsWith("layer 0 is sign, whose gradient is zero"), p);
        assertTrue(p.contains("use tanh or relu for hidden layers"), p);
    }

    @Test
    void adaGradWithNothingToDivideBy() {
        OptimizerSpec zero = new OptimizerSpec(OptimizerKind.ADAGRAD, 0.1, 0.9, 0.999, 0.0, 0.9, 0.9, 0.0);
        String p = only(ModelSpec.problems(2, List.of(new LayerSpec(1, Activation.SIGMOID)), LossKind.BINARY_CROSS_ENTROPY,
                zero, 0));
        assertTrue(p.startsWith("adagrad with epsilon 0 and initialAccumulator 0 divides 0 by 0"), p);
        assertTrue(p.contains("set epsilon > 0 (default 1e-7) or initialAccumulator > 0"), p);
        assertEquals(List.of(), ModelSpec.problems(2, List.of(new LayerSpec(1, Activation.SIGMOID)),
                LossKind.BINARY_CROSS_ENTROPY, new OptimizerSpec(OptimizerKind.ADAGRAD, 0.1, 0.9, 0.999, 0.0, 0.9, 0.9, 0.1), 0));
        for (OptimizerKind k : List.of(OptimizerKind.RMSPROP, OptimizerKind.ADAM, OptimizerKind.NORMALIZED_ADAGRAD)) {
            OptimizerSpec o = new OptimizerSpec(k, 0.1, 0.9, 0.999, 0.0, 0.9, 0.9, 0.0);
            assertTrue(only(ModelSpec.problems(2, List.of(new LayerSpec(1, Activation.SIGMOID)),
                    LossKind.BINARY_CROSS_ENTROPY, o, 0)).contains("with epsilon 0"), k.toString());
        }
    }

    /** Without the refusal the first step is 0/0 for a weight whose input is 0: refused as NaN, every time. */
    @Test
    void whatTheAdaGradRefusalPrevents() {
        double[] w = {0.0};
        double[] g = {0.0};
        double[][] acc = {{0.0}};
        assertEquals(false, new io.streamlearn.model.optim.AdaGrad(0.1, 0.0, 0.0,
                io.streamlearn.model.optim.LearningRateSchedule.CONSTANT).step(0.1, 1.0, 0.0, w, g, acc));
    }
}
