package io.streamlearn.learn;

import io.streamlearn.model.Network;
import java.util.Arrays;

/** Copies a network's trainable state between instances of the same shape, through its live arrays. */
public final class NetworkState {
    private NetworkState() {
    }

    /**
     * Weights, biases, optimizer slots, step and feature statistics from {@code from}; the open batch of {@code to} is
     * dropped. When the two use different optimizers (a retrain may override it), {@code to}'s
     * optimizer starts afresh on the new weights instead of reading state it does not understand.
     */
    public static void copyParameters(Network from, Network to) {
        if (from.layerCount() != to.layerCount()) {
            throw new IllegalArgumentException("networks differ in depth: " + from.layerCount() + " vs " + to.layerCount());
        }
        boolean sameOptimizer = from.spec().optimizer().kind() == to.spec().optimizer().kind();
        Network fresh = sameOptimizer ? null : Network.initialize(to.spec());
        for (int l = 0; l < from.layerCount(); l++) {
            copy(from.weights(l), to.weights(l));
            copy(from.biases(l), to.biases(l));
            Network slots = sameOptimizer ? from : fresh;
            for (int s = 0; s < to.slotCount(); s++) {
                copy(slots.slot(l, false, s), to.slot(l, false, s));
                copy(slots.slot(l, true, s), to.slot(l, true, s));
            }
            Arrays.fill(to.pendingWeightGradient(l), 0.0);
            Arrays.fill(to.pendingBiasGradient(l), 0.0);
            if (to.pendingInputMax(l) != null) {
                Arrays.fill(to.pendingInputMax(l), 0.0);
            }
        }
        if (from.scaler() != null && to.scaler() != null && from.scaler().kind() == to.scaler().kind()) {
            to.scaler().copyFrom(from.scaler());
        }
        to.restoreState(sameOptimizer ? from.updatesApplied() : 0, 0);
    }

    /**
     * Everything {@code from} has learned and holds open, into {@code to} of the same shape, optimizer and scaling: weights,
     * biases, optimizer slots and step, feature statistics, and the open batch (gradient, input
     * maxima, count). {@code to} keeps its own count of refused updates: that counter is the
     * model's history, not a property of the weights. Allocates nothing.
     */
    public static void copyAll(Network from, Network to) {
        // The seed may differ (a model restored from weights drawn under another seed); what is copied may not.
        if (from.layerCount() != to.layerCount() || from.spec().optimizer().kind() != to.spec().optimizer().kind()
                || from.spec().scaling() != to.spec().scaling()) {
            throw new IllegalArgumentException("networks differ in depth, optimizer or scaling: " + from.spec() + " vs "
                    + to.spec());
        }
        for (int l = 0; l < from.layerCount(); l++) {
            copy(from.weights(l), to.weights(l));
            copy(from.biases(l), to.biases(l));
            for (int s = 0; s < to.slotCount(); s++) {
                copy(from.slot(l, false, s), to.slot(l, false, s));
                copy(from.slot(l, true, s), to.slot(l, true, s));
            }
            copy(from.pendingWeightGradient(l), to.pendingWeightGradient(l));
            copy(from.pendingBiasGradient(l), to.pendingBiasGradient(l));
            if (to.pendingInputMax(l) != null) {
                copy(from.pendingInputMax(l), to.pendingInputMax(l));
            }
        }
        if (to.scaler() != null) {
            to.scaler().copyFrom(from.scaler());
        }
        to.restoreState(from.updatesApplied(), from.pendingCount(), to.updatesRefused());
    }

    private static void copy(double[] src, double[] dst) {
        if (src.length != dst.length) {
            throw new IllegalArgumentException("networks differ in shape: " + src.length + " vs " + dst.length);
        }
        System.arraycopy(src, 0, dst, 0, src.length);
    }
}
