package io.streamlearn.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.data.Datasets;
import io.streamlearn.data.LabeledRow;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What the tutorial teaches, reproduced by the model core alone. */
class TutorialMathTest {

    private static ModelSpec single(Activation g, LossKind loss, OptimizerSpec o) {
        return new ModelSpec(2, List.of(new LayerSpec(1, g)), loss, o, 0.0, 42L);
    }

    private static double accuracy(Network n, List<LabeledRow> rows) {
        double[] out = new double[n.outputSize()];
        int ok = 0;
        for (LabeledRow r : rows) {
            n.predict(r.features(), out);
            if (n.predictClass(out) == r.label()) {
                ok++;
            }
        }
        return (double) ok / rows.size();
    }

    @Test
    void theOrTableWithTheTutorialsWeightsAndTheStepFunction() {
        Network n = Network.withWeights(single(Activation.STEP, LossKind.PERCEPTRON, OptimizerSpec.defaults(OptimizerKind.SGD)),
                new double[][] {{1, 1}}, new double[][] {{-1}});
        double[] out = new double[1];
        double[][] x = {{0, 0}, {1, 0}, {0, 1}, {1, 1}};
        double[] expected = {0, 1, 1, 1};
        for (int i = 0; i < 4; i++) {
            n.predict(x[i], out);
            assertEquals(expected[i], out[0], 0.0, "OR" + java.util.Arrays.toString(x[i]));
        }
    }

    @Test
    void thePerceptronRuleLearnsOrFromZeroWeights() {
        Network n = Network.withWeights(single(Activation.STEP, LossKind.PERCEPTRON,
                OptimizerSpec.defaults(OptimizerKind.SGD).withLearningRate(1.0)), new double[][] {{0, 0}}, new double[][] {{0}});
        List<LabeledRow> or = Datasets.load("or");
        // w ← w + (y − ŷ)·x, b ← b + (y − ŷ), with ŷ = step(w·x + b), rows in file order:
        double[][] afterEpoch = {{1, 0, 0}, {1, 1, 0}, {1, 1, -1}};
        for (double[] expected : afterEpoch) {
            for (LabeledRow r : or) {
                n.learnOne(r.features(), r.label());
            }
            assertArrayEquals(new double[] {expected[0], expected[1]}, n.weights(0), 0.0);
            assertEquals(expected[2], n.biases(0)[0], 0.0);
        }
        assertEquals(1.0, accuracy(n, or), "after three epochs: the tutorial's weights (1, 1, -1)");
    }

    @Test
    void aSingleLayerFailsXorAndAHiddenLayerLearnsIt() {
        List<LabeledRow> xor = Datasets.load("xor");
        OptimizerSpec adam = OptimizerSpec.defaults(OptimizerKind.ADAM).withLearningRate(0.05);
        Network single = Network.initialize(single(Activation.SIGMOID, LossKind.BINARY_CROSS_ENTROPY, adam));
        Network hidden = Network.initialize(new ModelSpec(2, List.of(new LayerSpec(4, Activation.TANH),
                new LayerSpec(1, Activation.SIGMOID)), LossKind.BINARY_CROSS_ENTROPY, adam, 0.0, 7L));
        for (int epoch = 0; epoch < 2000; epoch++) {
            for (LabeledRow r : xor) {
                single.learnOne(r.features(), r.label());
                hidden.learnOne(r.features(), r.label());
            }
        }
        assertTrue(accuracy(single, xor) <= 0.75, "a line cannot separate XOR: " + accuracy(single, xor));
        assertEquals(1.0, accuracy(hidden, xor), "2-4-1 learns XOR");
    }

    @Test
    void logisticRegressionSeparatesTheBlobsInOnePass() {
        Datasets.Split split = Datasets.split(Datasets.load("blobs"), 0.25, 42);
        assertEquals(150, split.train().size());
        assertEquals(50, split.test().size());
        Network n = Network.initialize(single(Activation.SIGMOID, LossKind.BINARY_CROSS_ENTROPY,
                OptimizerSpec.defaults(OptimizerKind.ADAM).withLearningRate(0.1)));
        for (LabeledRow r : split.train()) {
            n.learnOne(r.features(), r.label());
        }
        assertEquals(150, n.updatesApplied(), "one stochastic update per example, one pass");
        assertEquals(1.0, accuracy(n, split.test()), "the tutorial's 100 % on the held-out quarter");
    }

    @Test
    void softmaxClassifiesIris() {
        List<LabeledRow> iris = new ArrayList<>(Datasets.load("iris"));
        Collections.shuffle(iris, new Random(42));
        List<LabeledRow> train = iris.subList(0, 112);
        List<LabeledRow> test = iris.subList(112, 150);
        double[] mean = new double[4];
        double[] sd = new double[4];
        for (LabeledRow r : train) {
            for (int j = 0; j < 4; j++) {
                mean[j] += r.features()[j] / train.size();
            }
        }
        for (LabeledRow r : train) {
            for (int j = 0; j < 4; j++) {
                sd[j] += Math.pow(r.features()[j] - mean[j], 2) / train.size();
            }
        }
        List<LabeledRow> trainS = new ArrayList<>();
        List<LabeledRow> testS = new ArrayList<>();
        for (LabeledRow r : train) {
            trainS.add(standardise(r, mean, sd));
        }
        for (LabeledRow r : test) {
            testS.add(standardise(r, mean, sd));
        }
        Network n = Network.initialize(new ModelSpec(4, List.of(new LayerSpec(3, Activation.SOFTMAX)),
                LossKind.CATEGORICAL_CROSS_ENTROPY, OptimizerSpec.defaults(OptimizerKind.ADAM).withLearningRate(0.05), 0.0, 1L));
        for (int epoch = 0; epoch < 50; epoch++) {
            for (LabeledRow r : trainS) {
                n.learnOne(r.features(), r.label());
            }
        }
        double acc = accuracy(n, testS);
        assertTrue(acc >= 0.90, "iris holdout accuracy " + acc);
    }

    private static LabeledRow standardise(LabeledRow r, double[] mean, double[] sd) {
        double[] x = new double[4];
        for (int j = 0; j < 4; j++) {
            x[j] = (r.features()[j] - mean[j]) / Math.sqrt(sd[j]);
        }
        return new LabeledRow(x, r.label());
    }
}
