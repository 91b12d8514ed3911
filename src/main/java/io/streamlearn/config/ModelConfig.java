package io.streamlearn.config;

import io.streamlearn.model.ModelSpec;

/**
 * One declared model: its id, the network, how it is trained and published, what it does
 * when its error drifts, how it treats late and future-stamped records, and whether it is trained
 * data-parallel ({@code parallel}, null when one task trains it).
 * {@code initialWeights}/{@code initialBiases} are null for a seeded initialisation, else one
 * row-major array per layer (the tutorial's explicit OR weights, for instance).
 */
public record ModelConfig(String id, ModelSpec spec, UpdateMode update, SnapshotPolicy snapshot,
                          double[][] initialWeights, double[][] initialBiases, DriftPolicy drift,
                          EventTimePolicy eventTime, ParallelPolicy parallel) {

    public ModelConfig {
        if (drift == null) {
            drift = DriftPolicy.report();
        }
        if (eventTime == null) {
            eventTime = EventTimePolicy.defaults();
        }
    }

    /** A model trained by one task (not {@link ParallelPolicy data-parallel}). */
    public ModelConfig(String id, ModelSpec spec, UpdateMode update, SnapshotPolicy snapshot,
                       double[][] initialWeights, double[][] initialBiases, DriftPolicy drift,
                       EventTimePolicy eventTime) {
        this(id, spec, update, snapshot, initialWeights, initialBiases, drift, eventTime, null);
    }

    /** A model with the default event-time policy. */
    public ModelConfig(String id, ModelSpec spec, UpdateMode update, SnapshotPolicy snapshot,
                       double[][] initialWeights, double[][] initialBiases, DriftPolicy drift) {
        this(id, spec, update, snapshot, initialWeights, initialBiases, drift, EventTimePolicy.defaults());
    }

    /** A model that reports drift and does nothing else about it. */
    public ModelConfig(String id, ModelSpec spec, UpdateMode update, SnapshotPolicy snapshot,
                       double[][] initialWeights, double[][] initialBiases) {
        this(id, spec, update, snapshot, initialWeights, initialBiases, DriftPolicy.report(), EventTimePolicy.defaults());
    }

    /** The same model with another event-time policy. */
    public ModelConfig withEventTime(EventTimePolicy policy) {
        return new ModelConfig(id, spec, update, snapshot, initialWeights, initialBiases, drift, policy, parallel);
    }

    /** The same model trained data-parallel by {@code policy} (null: by one task). */
    public ModelConfig withParallel(ParallelPolicy policy) {
        return new ModelConfig(id, spec, update, snapshot, initialWeights, initialBiases, drift, eventTime, policy);
    }

    /** Whether every examples partition's task trains a replica of this model ({@link ParallelPolicy}). */
    public boolean isParallel() {
        return parallel != null;
    }

    /** The same model with another drift policy. */
    public ModelConfig withDrift(DriftPolicy policy) {
        return new ModelConfig(id, spec, update, snapshot, initialWeights, initialBiases, policy, eventTime);
    }

    public boolean hasInitialWeights() {
        return initialWeights != null;
    }
}
