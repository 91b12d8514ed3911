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
    /** Optimizer state: [slot][parameter]. */
    final double[][] weightSlots;
    final double[][] biasSlots;
    /**
     * The next step's parameters and optimizer state, computed here before any of them replaces
     * the live arrays, so a step that would leave a non-finite value is dropped with nothing to
     * undo. Allocated by the first update ({@link #prepareNext}): networks that only score (the
     * registry's, the scorers' copies) never need them, and they are as large as the parameters
     * and optimizer state together.
     */
    double[] nextWeights;
    double[] nextBiases;
    double[][] nextWeightSlots;
    double[][] nextBiasSlots;

    Layer(int inputs, int units, Activation activation, int slots) {
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
    }

    /** Allocates the next* arrays if this is the layer's first update; every later update reuses them. */
    void prepareNext() {
        if (nextWeights == null) {
            nextWeights = new double[weights.data.length];
            nextBiases = new double[units];
            nextWeightSlots = new double[weightSlots.length][weights.data.length];
            nextBiasSlots = new double[biasSlots.length][units];
        }
    }

    /** Makes the step computed into the next* arrays the live parameters and optimizer state. */
    void commitNext() {
        System.arraycopy(nextWeights, 0, weights.data, 0, nextWeights.length);
        System.arraycopy(nextBiases, 0, biases, 0, nextBiases.length);
        for (int k = 0; k < nextWeightSlots.length; k++) {
            System.arraycopy(nextWeightSlots[k], 0, weightSlots[k], 0, nextWeightSlots[k].length);
            System.arraycopy(nextBiasSlots[k], 0, biasSlots[k], 0, nextBiasSlots[k].length);
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
