package io.streamlearn.config;

import io.streamlearn.model.ModelSpec;

/**
 * One declared model: its id, the network and how it is trained and published.
 * {@code initialWeights}/{@code initialBiases} are null for a seeded initialisation, else one
 * row-major array per layer (the tutorial's explicit OR weights, for instance).
 */
public record ModelConfig(String id, ModelSpec spec, UpdateMode update, SnapshotPolicy snapshot,
                          double[][] initialWeights, double[][] initialBiases) {

    public boolean hasInitialWeights() {
        return initialWeights != null;
    }
}
