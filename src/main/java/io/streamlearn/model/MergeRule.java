package io.streamlearn.model;

/**
 * How replicas' deltas of one round become one step of the global weights.
 *
 * <p>{@link #AVERAGE}: the deltas weighted by their example counts (a replica that saw twice the
 * examples moves the model twice as far): the step one learner would take in expectation, so the
 * learning rate keeps its meaning. {@link #SUM}: every delta added, as if each replica's updates had
 * been applied to one model one after another (plain SGD's updates add up); P replicas then move the
 * model about P times as far per round, which suits small learning rates.
 */
public enum MergeRule {
    AVERAGE,
    SUM
}
