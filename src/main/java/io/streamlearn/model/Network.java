package io.streamlearn.model;

import io.streamlearn.model.optim.NormalizedAdaGrad;
import io.streamlearn.model.optim.Optimizer;
import io.streamlearn.model.optim.Sgd;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * A feed-forward network of fully connected layers, y = g(W x + b) per layer, trained by
 * gradient steps. One update path serves one example and a batch: {@link #accumulate} adds an
 * example's gradient to the open batch, {@link #applyUpdate} averages it and takes one optimizer
 * step ({@link #learnOne} and {@link #learnMany} are both built from these two).
 *
 * <p>Every buffer is allocated at construction, except those of the update step, allocated by the
 * first update, so predicting and learning allocate nothing after that.
 * Sums run in a fixed order, so the same examples in the same order give the same bits. Not
 * thread-safe: each thread uses its own copy.
 *
 * <p>A model whose spec scales its features ({@link Scaling}) holds a {@link FeatureScaler} and
 * applies it in every forward pass, so whoever predicts with the network (training, scoring, the
 * HTTP API, a retrain, a plot) sees the features scaled in the same way. Its statistics change only
 * when an example is learned: {@link #predictForLearning} scores the example with the statistics
 * as they are, then adds it to them; {@link #predictForLearning}, {@link #accumulate} and
 * {@link #learnOne} learn from the example scaled with statistics that include it, so the scaled
 * inputs the weights learn from stay bounded (|z| ≤ √(n − 1) for n examples seen) even while the
 * statistics are young; {@link #predict} scales with the statistics as they are and changes nothing.
 *
 * <p>An update that would leave any weight, bias or optimizer state non-finite (NaN or ±Inf: a
 * learning rate that diverges, features so large that a gradient overflows) is refused: the
 * parameters and optimizer state stay as they were, bit for bit, its batch is dropped, and
 * {@link #updatesRefused} counts it instead of {@link #updatesApplied}. Weights that start finite
 * therefore stay finite.
 */
public final class Network {
    private final ModelSpec spec;
    private final Optimizer optimizer;
    private final Layer[] layers;
    private final DMatrixRMaj input;
    private final double[] target;
    /** Null when the spec does not scale (the features are copied as they are). */
    private final FeatureScaler scaler;
    private int pendingCount;
    private long updatesApplied;
    private long updatesRefused;
    /** Whether the layers hold the forward pass of the last predicted example under the current weights. */
    private boolean forwardIsCurrent;
    /** Whether that forward pass came from a learning call, so the scaler has learned its features. */
    private boolean forwardLearned;

    private Network(ModelSpec spec) {
        this.spec = spec;
        this.optimizer = spec.optimizer().optimizer();
        List<LayerSpec> ls = spec.layers();
        this.layers = new Layer[ls.size()];
        int in = spec.inputSize();
        for (int i = 0; i < layers.length; i++) {
            layers[i] = new Layer(in, ls.get(i).units(), ls.get(i).activation(), optimizer.slots(), optimizer.normalized());
            in = ls.get(i).units();
        }
        this.input = new DMatrixRMaj(spec.inputSize(), 1);
        this.target = new double[spec.outputSize()];
        this.scaler = spec.scaling() == Scaling.NONE ? null : new FeatureScaler(spec.scaling(), spec.inputSize());
        for (int k = 0; k < optimizer.slots(); k++) {
            double initial = optimizer.initialSlotValue(k);
            if (initial != 0.0) {
                for (Layer l : layers) {
                    Arrays.fill(l.weightSlots[k], initial);
                    Arrays.fill(l.biasSlots[k], initial);
                }
            }
        }
    }

    /** Glorot-uniform weights drawn from the spec's seed, zero biases: the same seed gives the same bits. */
    public static Network initialize(ModelSpec spec) {
        Network n = new Network(spec);
        SplittableRandom r = new SplittableRandom(spec.seed());
        for (Layer l : n.layers) {
            double limit = Math.sqrt(6.0 / (l.inputs + l.units));
            double[] w = l.weights.data;
            for (int i = 0; i < w.length; i++) {
                w[i] = (2 * r.nextDouble() - 1) * limit;
            }
        }
        return n;
    }

    /** Explicit initial weights (row-major, units × inputs per layer) and biases. */
    public static Network withWeights(ModelSpec spec, double[][] weights, double[][] biases) {
        Network n = new Network(spec);
        if (weights.length != n.layers.length || biases.length != n.layers.length) {
            throw new IllegalArgumentException("need weights and biases for " + n.layers.length + " layers");
        }
        for (int i = 0; i < n.layers.length; i++) {
            Layer l = n.layers[i];
            if (weights[i].length != l.units * l.inputs || biases[i].length != l.units) {
                throw new IllegalArgumentException("layer " + i + " needs " + l.units * l.inputs + " weights and "
                        + l.units + " biases");
            }
            System.arraycopy(weights[i], 0, l.weights.data, 0, weights[i].length);
            System.arraycopy(biases[i], 0, l.biases, 0, biases[i].length);
        }
        return n;
    }

    public ModelSpec spec() {
        return spec;
    }

    public int inputSize() {
        return spec.inputSize();
    }

    public int outputSize() {
        return spec.outputSize();
    }

    public int layerCount() {
        return layers.length;
    }

    /** Forward pass: the output layer's activations into {@code out}. Changes no state of the model. */
    public void predict(double[] x, double[] out) {
        forward(x);
        System.arraycopy(layers[layers.length - 1].a.data, 0, out, 0, outputSize());
    }

    /**
     * Scores an example about to be learned from, into {@code out}, as {@link #predict} would (by
     * the model as it is); then, when the spec scales its features, the scaler adds the example to
     * its statistics and the forward pass is run again with them, for the update (River's order:
     * StandardScaler learns in learn_one, after the prediction). Follow it with
     * {@link #learnPredicted} or {@link #accumulatePredicted}, which reuse the last pass. Without
     * scaling there is one forward pass.
     */
    public void predictForLearning(double[] x, double[] out) {
        predict(x, out);
        if (scaler != null) {
            scaler.learn(x);
            forward(x);
        }
        forwardLearned = true;
    }

    private void observe(double[] x) {
        checkFeatures(x);
        if (scaler != null) {
            scaler.learn(x);
        }
    }

    private void checkFeatures(double[] x) {
        if (x.length != spec.inputSize()) {
            throw new IllegalArgumentException("expected " + spec.inputSize() + " features, got " + x.length);
        }
    }

    private void forward(double[] x) {
        checkFeatures(x);
        if (scaler == null) {
            System.arraycopy(x, 0, input.data, 0, x.length);
        } else {
            scaler.transform(x, input.data);
        }
        DMatrixRMaj in = input;
        for (Layer l : layers) {
            CommonOps_DDRM.mult(l.weights, in, l.z);
            double[] z = l.z.data;
            for (int i = 0; i < l.units; i++) {
                z[i] += l.biases[i];
            }
            l.activation.apply(z, l.a.data, l.units);
            in = l.a;
        }
        forwardIsCurrent = true;
        forwardLearned = false;
    }

    /** The predicted class of an output computed by {@link #predict}. */
    public int predictClass(double[] output) {
        if (output.length > 1) {
            int best = 0;
            for (int i = 1; i < output.length; i++) {
                if (output[i] > output[best]) {
                    best = i;
                }
            }
            return best;
        }
        return output[0] >= threshold() ? 1 : 0;
    }

    private double threshold() {
        return switch (spec.outputActivation()) {
            case SIGN, TANH -> 0.0;
            case LINEAR, RELU -> spec.loss() == LossKind.HINGE || spec.loss() == LossKind.PERCEPTRON ? 0.0 : 0.5;
            default -> 0.5;
        };
    }

    /** A label as the target vector: itself for one output, one-hot of the class index otherwise. */
    public void target(double label, double[] targetOut) {
        if (targetOut.length == 1) {
            targetOut[0] = label;
            return;
        }
        Arrays.fill(targetOut, 0.0);
        targetOut[(int) label] = 1.0;
    }

    /** Whether a numeric label can be learned by this network. */
    public boolean isValidLabel(double label) {
        return RecordCheck.isValidScalar(spec, label);
    }

    /** The loss of an output already computed by {@link #predict} (for one output layer). */
    public double loss(double[] output, double[] target) {
        Layer last = layers[layers.length - 1];
        return spec.loss().value(last.z.data, output, target, outputSize());
    }

    /** Forward, backward, and adds this example's gradient to the open batch; returns its loss. */
    public double accumulate(double[] x, double[] target) {
        checkTarget(target);
        observe(x);
        forward(x);
        forwardLearned = true;
        return accumulatePredicted(target);
    }

    /**
     * Adds the gradient of the example last passed to {@link #predict} to the open batch, reusing
     * that forward pass (a learner that scores each example before learning from it computes the
     * forward pass once). Returns its loss. Same bits as {@link #accumulate} on that example.
     */
    public double accumulatePredicted(double[] target) {
        checkTarget(target);
        requireCurrentForward();
        Layer last = layers[layers.length - 1];
        double loss = spec.loss().value(last.z.data, last.a.data, target, last.units);
        spec.loss().outputDelta(last.activation, last.z.data, last.a.data, target, last.dA, last.delta.data, last.units);
        for (int li = layers.length - 1; li >= 0; li--) {
            Layer l = layers[li];
            DMatrixRMaj in = li == 0 ? input : layers[li - 1].a;
            CommonOps_DDRM.multAddTransB(l.delta, in, l.gradWeights);
            if (l.batchInputMax != null) {
                l.trackInputs(in.data);
            }
            double[] d = l.delta.data;
            for (int i = 0; i < l.units; i++) {
                l.gradBiases[i] += d[i];
            }
            if (li > 0) {
                Layer below = layers[li - 1];
                CommonOps_DDRM.multTransA(l.weights, l.delta, l.dInput);
                below.activation.backward(below.z.data, below.a.data, l.dInput.data, below.delta.data, below.units);
            }
        }
        pendingCount++;
        return loss;
    }

    private void checkTarget(double[] target) {
        if (target.length != outputSize()) {
            throw new IllegalArgumentException("expected a target of " + outputSize() + " values, got " + target.length);
        }
    }

    private void requireCurrentForward() {
        if (!forwardIsCurrent) {
            throw new IllegalStateException("no forward pass under the current weights: call predict(x, out) first");
        }
        if (scaler != null && !forwardLearned) {
            // learning it would train on an example the scaler's statistics never saw
            throw new IllegalStateException("the features were predicted, not learned: call predictForLearning(x, out)");
        }
    }

    public int pendingCount() {
        return pendingCount;
    }

    /**
     * Averages the open batch's gradient, adds L2 on weights, takes one optimizer step, clears the
     * batch. Returns whether the step was applied: false when the batch was empty, or when the
     * step would have left a non-finite weight, bias or optimizer state — then it is refused (see
     * the class comment) and the batch is dropped all the same, since learning it again would
     * overflow again.
     */
    public boolean applyUpdate() {
        if (pendingCount == 0) {
            return false;
        }
        long step = updatesApplied + 1;
        double scale = 1.0 / pendingCount;
        double stepSize = optimizer.stepSize(step);
        boolean finite = true;
        for (Layer l : layers) {
            l.saveForRefusal();
            // every layer steps even after a non-finite one: stepping is what clears the batch's gradient
            boolean weightsFinite;
            if (optimizer instanceof NormalizedAdaGrad nag) {
                weightsFinite = nag.stepNormalized(stepSize, scale, spec.l2(), l.weights.data, l.gradWeights.data,
                        l.weightSlots, l.batchInputMax, l.inputs);
                Arrays.fill(l.batchInputMax, 0.0);
            } else {
                weightsFinite = optimizer.step(stepSize, scale, spec.l2(), l.weights.data, l.gradWeights.data,
                        l.weightSlots);
            }
            boolean biasesFinite = optimizer.step(stepSize, scale, 0.0, l.biases, l.gradBiases, l.biasSlots);
            finite = finite & weightsFinite & biasesFinite;
        }
        pendingCount = 0;
        return commitOrRefuse(finite, step);
    }

    /** Keeps the step just taken in place, or undoes it in every layer when it is not finite. */
    private boolean commitOrRefuse(boolean finite, long step) {
        if (!finite) {
            for (Layer l : layers) {
                l.restoreSaved();
            }
            updatesRefused++;
            return false;
        }
        updatesApplied = step;
        forwardIsCurrent = false;
        return true;
    }

    public double learnOne(double[] x, double[] target) {
        checkTarget(target);
        observe(x);
        forward(x);
        forwardLearned = true;
        return learnPredicted(target);
    }

    /**
     * One update from the example last passed to {@link #predict} alone (a batch of one), reusing
     * that forward pass; returns its loss. With plain SGD and no open batch the gradient goes
     * straight into the next weights in one pass ({@link #sgdStepOfOne}); otherwise accumulate,
     * then step. Both give the same bits, and both refuse a step that is not finite (see
     * {@link #applyUpdate}): compare {@link #updatesApplied} before and after to tell.
     */
    public double learnPredicted(double[] target) {
        if (pendingCount == 0 && optimizer instanceof Sgd sgd) {
            checkTarget(target);
            requireCurrentForward();
            return sgdStepOfOne(target, sgd.stepSize(updatesApplied + 1));
        }
        double loss = accumulatePredicted(target);
        applyUpdate();
        return loss;
    }

    /**
     * {@link #accumulatePredicted} followed by {@link #applyUpdate} for SGD and a batch of one,
     * without the gradient buffers. Every floating-point operation of the general path is kept,
     * in the same order — the gradient starts from 0.0 + δ·x as the accumulator's does (so −0.0
     * becomes 0.0 there too), and the layer below gets its δ from the weights before they
     * change — so the bits are equal; like it, the step is undone when any value it wrote is not
     * finite.
     */
    private double sgdStepOfOne(double[] target, double lr) {
        Layer last = layers[layers.length - 1];
        double loss = spec.loss().value(last.z.data, last.a.data, target, last.units);
        spec.loss().outputDelta(last.activation, last.z.data, last.a.data, target, last.dA, last.delta.data, last.units);
        double l2 = spec.l2();
        double nonFinite = 0.0; // as in Optimizer.step: stays 0.0 while every value written is finite
        for (int li = layers.length - 1; li >= 0; li--) {
            Layer l = layers[li];
            double[] in = li == 0 ? input.data : layers[li - 1].a.data;
            if (li > 0) {
                Layer below = layers[li - 1];
                CommonOps_DDRM.multTransA(l.weights, l.delta, l.dInput);
                below.activation.backward(below.z.data, below.a.data, l.dInput.data, below.delta.data, below.units);
            }
            double[] w = l.weights.data;
            l.saveForRefusal();
            double[] b = l.biases;
            double[] d = l.delta.data;
            int n = l.inputs;
            for (int r = 0; r < l.units; r++) {
                double dr = d[r];
                int off = r * n;
                if (l2 != 0) {
                    for (int c = 0; c < n; c++) {
                        double g = 0.0 + dr * in[c];
                        g += l2 * w[off + c];
                        double wc = w[off + c] - lr * g;
                        w[off + c] = wc;
                        nonFinite += wc * 0.0;
                    }
                } else {
                    for (int c = 0; c < n; c++) {
                        double wc = w[off + c] - lr * (0.0 + dr * in[c]);
                        w[off + c] = wc;
                        nonFinite += wc * 0.0;
                    }
                }
                double br = b[r] - lr * (0.0 + d[r]);
                b[r] = br;
                nonFinite += br * 0.0;
            }
        }
        commitOrRefuse(nonFinite == 0.0, updatesApplied + 1);
        return loss;
    }

    public void learnMany(double[][] xs, double[][] targets) {
        for (int i = 0; i < xs.length; i++) {
            accumulate(xs[i], targets[i]);
        }
        applyUpdate();
    }

    /** Convenience for a numeric label: its target vector, then {@link #learnOne}. Allocation-free. */
    public double learnOne(double[] x, double label) {
        target(label, target);
        return learnOne(x, target);
    }

    /** Updates applied: Adam's step t. Refused updates are not among them. */
    public long updatesApplied() {
        return updatesApplied;
    }

    /** Updates refused because they would have left a non-finite weight, bias or optimizer state. */
    public long updatesRefused() {
        return updatesRefused;
    }

    /** Whether every weight, bias and optimizer state is finite (a snapshot written elsewhere may not be). */
    public boolean isFinite() {
        for (Layer l : layers) {
            if (!l.isFinite()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Puts the optimizer's state back where a new network starts it (momentum, accumulators,
     * moments), keeping weights, counters and the open batch: after a drift, step sizes shrunk
     * over the old concept grow again.
     */
    public void resetOptimizerState() {
        for (Layer l : layers) {
            for (int k = 0; k < optimizer.slots(); k++) {
                Arrays.fill(l.weightSlots[k], optimizer.initialSlotValue(k));
                Arrays.fill(l.biasSlots[k], optimizer.initialSlotValue(k));
            }
        }
    }

    /** The feature scaler, null when the spec's scaling is none. Its state is the model's: persist it. */
    public FeatureScaler scaler() {
        return scaler;
    }

    public double[] weights(int layer) {
        return layers[layer].weights.data;
    }

    public double[] biases(int layer) {
        return layers[layer].biases;
    }

    public int slotCount() {
        return optimizer.slots();
    }

    public double[] slot(int layer, boolean bias, int slot) {
        return bias ? layers[layer].biasSlots[slot] : layers[layer].weightSlots[slot];
    }

    public double[] pendingWeightGradient(int layer) {
        return layers[layer].gradWeights.data;
    }

    public double[] pendingBiasGradient(int layer) {
        return layers[layer].gradBiases;
    }

    /**
     * The open batch's largest |input| per input of a layer, for an optimizer that normalizes by
     * it; null for the others. Part of the open batch, like the pending gradient.
     */
    public double[] pendingInputMax(int layer) {
        return layers[layer].batchInputMax;
    }

    /** Sets the counters after the caller wrote state through the live arrays above; the refused count stays. */
    public void restoreState(long updatesApplied, int pendingCount) {
        restoreState(updatesApplied, pendingCount, updatesRefused);
    }

    /** Sets every counter after the caller wrote state through the live arrays above. */
    public void restoreState(long updatesApplied, int pendingCount, long updatesRefused) {
        if (updatesApplied < 0 || pendingCount < 0 || updatesRefused < 0) {
            throw new IllegalArgumentException("counters must not be negative");
        }
        this.updatesApplied = updatesApplied;
        this.pendingCount = pendingCount;
        this.updatesRefused = updatesRefused;
        this.forwardIsCurrent = false;
    }

    /** A deep copy: parameters, optimizer state, the open batch and counters. */
    public Network copy() {
        Network n = new Network(spec);
        for (int i = 0; i < layers.length; i++) {
            Layer s = layers[i];
            Layer d = n.layers[i];
            System.arraycopy(s.weights.data, 0, d.weights.data, 0, s.weights.data.length);
            System.arraycopy(s.biases, 0, d.biases, 0, s.biases.length);
            System.arraycopy(s.gradWeights.data, 0, d.gradWeights.data, 0, s.gradWeights.data.length);
            System.arraycopy(s.gradBiases, 0, d.gradBiases, 0, s.gradBiases.length);
            if (s.batchInputMax != null) {
                System.arraycopy(s.batchInputMax, 0, d.batchInputMax, 0, s.batchInputMax.length);
            }
            for (int k = 0; k < s.weightSlots.length; k++) {
                System.arraycopy(s.weightSlots[k], 0, d.weightSlots[k], 0, s.weightSlots[k].length);
                System.arraycopy(s.biasSlots[k], 0, d.biasSlots[k], 0, s.biasSlots[k].length);
            }
        }
        if (scaler != null) {
            n.scaler.copyFrom(scaler);
        }
        n.pendingCount = pendingCount;
        n.updatesApplied = updatesApplied;
        n.updatesRefused = updatesRefused;
        return n;
    }
}
