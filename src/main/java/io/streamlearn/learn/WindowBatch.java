package io.streamlearn.learn;

import io.streamlearn.model.Network;
import java.util.Arrays;

/**
 * The open batch of one event-time window while another window's batch is in the network. A
 * network sums one batch at a time; with a grace period several windows are open at once (a late
 * record still joins its own), so the batches of the others wait here and are swapped in by copy,
 * which keeps every sum in its own records' order, bit for bit.
 *
 * <p>Layout as the checkpoint's {@code pendingGradient}: per layer the weight gradient, then the
 * bias gradient; {@code inputMax} per layer for an optimizer that normalizes by it, else empty.
 */
public final class WindowBatch {
    private final long start;
    private int count;
    private final double[][] gradient;
    private final double[][] inputMax;

    WindowBatch(long start, Network shape) {
        this.start = start;
        int layers = shape.layerCount();
        this.gradient = new double[2 * layers][];
        boolean normalized = shape.pendingInputMax(0) != null;
        this.inputMax = new double[normalized ? layers : 0][];
        for (int l = 0; l < layers; l++) {
            gradient[2 * l] = new double[shape.pendingWeightGradient(l).length];
            gradient[2 * l + 1] = new double[shape.pendingBiasGradient(l).length];
            if (normalized) {
                inputMax[l] = new double[shape.pendingInputMax(l).length];
            }
        }
    }

    /** A batch as a checkpoint holds it; the arrays are taken, not copied. */
    public WindowBatch(long start, int count, double[][] gradient, double[][] inputMax) {
        this.start = start;
        this.count = count;
        this.gradient = gradient;
        this.inputMax = inputMax;
    }

    public long start() {
        return start;
    }

    public int count() {
        return count;
    }

    /** Per layer the weight gradient, then the bias gradient: live arrays, for the checkpoint. */
    public double[][] gradient() {
        return gradient;
    }

    /** Per layer the largest |input| of the batch, or none: live arrays, for the checkpoint. */
    public double[][] inputMax() {
        return inputMax;
    }

    /** Takes the network's open batch, leaving the network with an empty one. */
    void takeFrom(Network n) {
        for (int l = 0; l < n.layerCount(); l++) {
            move(n.pendingWeightGradient(l), gradient[2 * l]);
            move(n.pendingBiasGradient(l), gradient[2 * l + 1]);
            if (inputMax.length > 0) {
                move(n.pendingInputMax(l), inputMax[l]);
            }
        }
        count = n.pendingCount();
        n.restoreState(n.updatesApplied(), 0);
    }

    /** Puts this batch into a network whose open batch is empty. */
    void giveTo(Network n) {
        for (int l = 0; l < n.layerCount(); l++) {
            copy(gradient[2 * l], n.pendingWeightGradient(l));
            copy(gradient[2 * l + 1], n.pendingBiasGradient(l));
            if (inputMax.length > 0 && n.pendingInputMax(l) != null) {
                copy(inputMax[l], n.pendingInputMax(l));
            }
        }
        n.restoreState(n.updatesApplied(), count);
    }

    private static void move(double[] from, double[] to) {
        System.arraycopy(from, 0, to, 0, from.length);
        Arrays.fill(from, 0.0);
    }

    private static void copy(double[] from, double[] to) {
        if (from.length != to.length) {
            throw new IllegalArgumentException("a window's batch of " + from.length + " values where " + to.length
                    + " are needed");
        }
        System.arraycopy(from, 0, to, 0, from.length);
    }
}
