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
}
