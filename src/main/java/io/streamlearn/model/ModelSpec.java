package io.streamlearn.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a network is: its input size, layers, loss, optimizer, L2 penalty, initialisation seed and
 * how it scales its features. Immutable; {@link #problems()} lists everything wrong at once for
 * the config validator.
 */
public record ModelSpec(int inputSize, List<LayerSpec> layers, LossKind loss, OptimizerSpec optimizer,
                        double l2, long seed, Scaling scaling) {

    public ModelSpec {
        layers = List.copyOf(layers);
        if (scaling == null) {
            scaling = Scaling.NONE;
        }
        List<String> p = problems(inputSize, layers, loss, optimizer, l2);
        if (!p.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", p));
        }
    }

    /** Unscaled features: what every model was before scaling existed, and what explicit initial weights need. */
    public ModelSpec(int inputSize, List<LayerSpec> layers, LossKind loss, OptimizerSpec optimizer, double l2, long seed) {
        this(inputSize, layers, loss, optimizer, l2, seed, Scaling.NONE);
    }

    /** The same model with another optimizer (a retrain may override it). */
    public ModelSpec withOptimizer(OptimizerSpec o) {
        return new ModelSpec(inputSize, layers, loss, o, l2, seed, scaling);
    }

    /** The same model with another scaling. */
    public ModelSpec withScaling(Scaling s) {
        return new ModelSpec(inputSize, layers, loss, optimizer, l2, seed, s);
    }

    public int outputSize() {
        return layers.get(layers.size() - 1).units();
    }

    /** Weights and biases over all layers. */
    public long parameterCount() {
        long count = 0;
        int in = inputSize;
        for (LayerSpec l : layers) {
            count += (long) in * l.units() + l.units();
            in = l.units();
        }
        return count;
    }

    public Activation outputActivation() {
        return layers.get(layers.size() - 1).activation();
    }

    /** Always empty for a constructed spec (the constructor refuses bad ones); kept for callers that validate. */
    public List<String> problems() {
        return problems(inputSize, layers, loss, optimizer, l2);
    }

    /** Every problem with these values, without constructing a spec. */
    public static List<String> problems(int inputSize, List<LayerSpec> layers, LossKind loss, OptimizerSpec o, double l2) {
        List<String> p = new ArrayList<>();
        if (inputSize < 1) {
            p.add("inputSize must be at least 1, got " + inputSize);
        }
        if (layers == null || layers.isEmpty()) {
            p.add("a model needs at least one layer");
        } else {
            for (int i = 0; i < layers.size(); i++) {
                LayerSpec l = layers.get(i);
                if (l == null || l.units() < 1 || l.activation() == null) {
                    p.add("layer " + i + " needs at least 1 unit and an activation");
                }
            }
        }
        if (loss == null) {
            p.add("a loss is required");
        } else if (layers != null && !layers.isEmpty() && layers.stream().allMatch(l -> l != null && l.activation() != null)) {
            pairProblems(layers, loss, p);
        }
        if (o == null || o.kind() == null) {
            p.add("an optimizer is required");
        } else {
            if (!(o.learningRate() > 0) || !Double.isFinite(o.learningRate())) {
                p.add("learningRate must be positive, got " + o.learningRate());
            }
            if (!(o.beta1() >= 0 && o.beta1() < 1) || !(o.beta2() >= 0 && o.beta2() < 1)) {
                p.add("beta1 and beta2 must be in [0, 1)");
            }
            if (!(o.momentum() >= 0 && o.momentum() < 1) || !(o.rho() >= 0 && o.rho() < 1)) {
                p.add("momentum and rho must be in [0, 1)");
            }
            if (!(o.epsilon() >= 0) || !(o.initialAccumulator() >= 0)) {
                p.add("epsilon and initialAccumulator must not be negative");
            }
            for (String s : o.schedule().problems()) {
                p.add("schedule: " + s);
            }
            zeroOverZero(o, p);
        }
        if (!(l2 >= 0) || !Double.isFinite(l2)) {
            p.add("l2 must be a finite number ≥ 0, got " + l2);
        }
        return p;
    }

    /**
     * A divisor that starts at 0 for a weight whose gradient is still 0 makes its first step 0/0 =
     * NaN, which the network refuses: the model would never take a step. AdaGrad (and its
     * normalized form) divides by √(a + ε) with a from initialAccumulator, RMSProp by √(v + ε) and
     * Adam by √v + ε with v from 0.
     */
    private static void zeroOverZero(OptimizerSpec o, List<String> p) {
        if (o.epsilon() != 0) {
            return;
        }
        switch (o.kind()) {
            case ADAGRAD, NORMALIZED_ADAGRAD -> {
                if (o.initialAccumulator() == 0) {
                    p.add(name(o.kind()) + " with epsilon 0 and initialAccumulator 0 divides 0 by 0 for every weight"
                            + " whose gradient is still 0, so no update is ever finite: set epsilon > 0 (default 1e-7)"
                            + " or initialAccumulator > 0 (adagrad's default 0.1)");
                }
            }
            case RMSPROP, ADAM -> p.add(name(o.kind()) + " with epsilon 0 divides 0 by 0 for every weight whose"
                    + " gradient is still 0, so no update is ever finite: set epsilon > 0 (default 1e-7)");
            default -> {
            }
        }
    }

    /** Activations the loss cannot train through: they would pass config checks and then never learn. */
    private static void pairProblems(List<LayerSpec> layers, LossKind loss, List<String> p) {
        int last = layers.size() - 1;
        Activation out = layers.get(last).activation();
        if (!loss.outputActivations().contains(out)) {
            p.add("loss " + name(loss) + " cannot train a " + name(out) + " output layer (use "
                    + loss.outputActivations().stream().map(ModelSpec::name).collect(Collectors.joining(", ")) + ")");
        }
        for (int i = 0; i <= last; i++) {
            if (layers.get(i).activation() == Activation.SOFTMAX && layers.get(i).units() == 1) {
                p.add("layer " + i + " is a softmax of one unit, which outputs 1 whatever its input: for two classes"
                        + " use one sigmoid unit with binary_cross_entropy, or a softmax of 2 units");
            }
        }
        for (int i = 0; i < last; i++) {
            Activation g = layers.get(i).activation();
            if (g == Activation.STEP || g == Activation.SIGN) {
                p.add("layer " + i + " is " + name(g) + ", whose gradient is zero, so no loss trains it (the"
                        + " perceptron rule trains only the output layer) and it keeps its initial weights: use tanh"
                        + " or relu for hidden layers, or " + name(g) + " in a single-layer perceptron");
            }
        }
    }

    private static String name(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
