package io.streamlearn.config;

import io.streamlearn.model.ModelSpec;

/**
 * One declared model: its id, the network, how it is trained and published, and what it does
 * when its error drifts.
 * {@code initialWeights}/{@code initialBiases} are null for a seeded initialisation, else one
 * row-major array per layer (the tutorial's explicit OR weights, for instance).
 */
public record ModelConfig(String id, ModelSpec spec, UpdateMode update, SnapshotPolicy snapshot,
                          double[][] initialWeights, double[][] initialBiases, DriftPolicy drift) {

    public ModelConfig {
        if (drift == null) {
            drift = DriftPolicy.report();
        }
    }

    /** A model that reports drift and does nothing else about it. */
    public ModelConfig(String id, ModelSpec spec, UpdateMode update, SnapshotPolicy snapshot,
                       double[][] initialWeights, double[][] initialBiases) {
        this(id, spec, update, snapshot, initialWeights, initialBiases, DriftPolicy.report());
    }

    public boolean hasInitialWeights() {
        return initialWeights != null;
    }
}
