package io.streamlearn.model;

/**
 * A network's trainable parameters (every layer's weights, then every layer's biases) as one flat
 * vector, the unit data-parallel training exchanges. Operations write into arrays the caller owns,
 * EJML-style, so a replica syncing every few examples allocates nothing.
 */
public final class Parameters {
    private Parameters() {
    }

    /** How many parameters {@code n} has: the length of the vectors below. */
    public static int count(Network n) {
        int c = 0;
        for (int l = 0; l < n.layerCount(); l++) {
            c += n.weights(l).length + n.biases(l).length;
        }
        return c;
    }

    /** {@code out} = the parameters of {@code n}. */
    public static void read(Network n, double[] out) {
        check(n, out);
        int at = 0;
        for (int l = 0; l < n.layerCount(); l++) {
            double[] w = n.weights(l);
            System.arraycopy(w, 0, out, at, w.length);
            at += w.length;
        }
        for (int l = 0; l < n.layerCount(); l++) {
            double[] b = n.biases(l);
            System.arraycopy(b, 0, out, at, b.length);
            at += b.length;
        }
    }

    /**
     * The parameters of {@code n} become {@code values}. Optimizer state, scaler and counters stay:
     * a replica rebasing on the merged model keeps its own step sizes.
     */
    public static void write(double[] values, Network n) {
        check(n, values);
        int at = 0;
        for (int l = 0; l < n.layerCount(); l++) {
            double[] w = n.weights(l);
            System.arraycopy(values, at, w, 0, w.length);
            at += w.length;
        }
        for (int l = 0; l < n.layerCount(); l++) {
            double[] b = n.biases(l);
            System.arraycopy(values, at, b, 0, b.length);
            at += b.length;
        }
        // The cached forward pass was of the old weights.
        n.restoreState(n.updatesApplied(), n.pendingCount(), n.updatesRefused());
    }

    /** {@code out} = parameters of {@code n} − {@code base}: what a replica learned since it last synced. */
    public static void delta(Network n, double[] base, double[] out) {
        check(n, base);
        read(n, out);
        for (int i = 0; i < out.length; i++) {
            out[i] -= base[i];
        }
    }

    private static void check(Network n, double[] v) {
        int c = count(n);
        if (v.length != c) {
            throw new IllegalArgumentException("the network has " + c + " parameters, the vector " + v.length);
        }
    }
}
