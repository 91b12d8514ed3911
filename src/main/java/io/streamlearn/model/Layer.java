package io.streamlearn.model;

import org.ejml.data.DMatrixRMaj;

/**
 * One fully connected layer's parameters and every buffer its forward and backward passes need,
 * allocated once: the hot path writes into these, never into new arrays.
 */
final class Layer {
    final int inputs;
    final int units;
    final Activation activation;
    /** W, units × inputs, row-major; b. */
    final DMatrixRMaj weights;
    final double[] biases;
    /** Pre-activation z and activation a of the last forward pass (units × 1). */
    final DMatrixRMaj z;
    final DMatrixRMaj a;
    /** dL/dz of the last backward pass, dL/da scratch, and dL/d(input) for the layer below. */
    final DMatrixRMaj delta;
    final double[] dA;
    final DMatrixRMaj dInput;
    /** Summed gradient of the open batch. */
    final DMatrixRMaj gradWeights;
    final double[] gradBiases;
    /**
     * The largest |value| of each input over the open batch, for an optimizer that normalizes by
     * it ({@link io.streamlearn.model.optim.NormalizedAdaGrad}); null for the others. Pending like
     * the gradient: the step folds it into the optimizer's state, then it is cleared.
     */
    final double[] batchInputMax;
    /** Optimizer state: [slot][parameter]. */
    final double[][] weightSlots;
    final double[][] biasSlots;
    /**
     * The parameters and optimizer state as they were before the step being taken, copied by
     * {@link #saveForRefusal} so that a step found non-finite is undone bit for bit. Allocated by
     * the first update: networks that only score (the registry's, the scorers' copies) never need
     * them, and they are as large as the parameters and optimizer state together.
     */
    private double[] savedWeights;
    private double[] savedBiases;
    private double[][] savedWeightSlots;
    private double[][] savedBiasSlots;

    Layer(int inputs, int units, Activation activation, int slots, boolean tracksInputs) {
        this.inputs = inputs;
        this.units = units;
        this.activation = activation;
        this.weights = new DMatrixRMaj(units, inputs);
        this.biases = new double[units];
        this.z = new DMatrixRMaj(units, 1);
        this.a = new DMatrixRMaj(units, 1);
        this.delta = new DMatrixRMaj(units, 1);
        this.dA = new double[units];
        this.dInput = new DMatrixRMaj(inputs, 1);
        this.gradWeights = new DMatrixRMaj(units, inputs);
        this.gradBiases = new double[units];
        this.weightSlots = new double[slots][units * inputs];
        this.biasSlots = new double[slots][units];
        this.batchInputMax = tracksInputs ? new double[inputs] : null;
    }

    /** Widens {@link #batchInputMax} by this example's input. */
    void trackInputs(double[] in) {
        double[] m = batchInputMax;
        for (int c = 0; c < inputs; c++) {
            m[c] = Math.max(m[c], Math.abs(in[c]));
        }
    }

    /** Copies the parameters and optimizer state aside before a step changes them in place. */
    void saveForRefusal() {
        if (savedWeights == null) {
            savedWeights = new double[weights.data.length];
            savedBiases = new double[units];
            savedWeightSlots = new double[weightSlots.length][weights.data.length];
            savedBiasSlots = new double[biasSlots.length][units];
        }
        System.arraycopy(weights.data, 0, savedWeights, 0, savedWeights.length);
        System.arraycopy(biases, 0, savedBiases, 0, units);
        for (int k = 0; k < weightSlots.length; k++) {
            System.arraycopy(weightSlots[k], 0, savedWeightSlots[k], 0, savedWeights.length);
            System.arraycopy(biasSlots[k], 0, savedBiasSlots[k], 0, units);
        }
    }

    /** Puts back what {@link #saveForRefusal} copied: the step taken since is undone. */
    void restoreSaved() {
        System.arraycopy(savedWeights, 0, weights.data, 0, savedWeights.length);
        System.arraycopy(savedBiases, 0, biases, 0, units);
        for (int k = 0; k < weightSlots.length; k++) {
            System.arraycopy(savedWeightSlots[k], 0, weightSlots[k], 0, savedWeights.length);
            System.arraycopy(savedBiasSlots[k], 0, biasSlots[k], 0, units);
        }
    }

    /** Whether the live parameters and optimizer state are all finite. */
    boolean isFinite() {
        if (!allFinite(weights.data) || !allFinite(biases)) {
            return false;
        }
        for (int k = 0; k < weightSlots.length; k++) {
            if (!allFinite(weightSlots[k]) || !allFinite(biasSlots[k])) {
                return false;
            }
        }
        return true;
    }

    static boolean allFinite(double[] values) {
        for (double v : values) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
