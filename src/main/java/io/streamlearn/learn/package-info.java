/**
 * One model learning from a stream (OnlineLearner): update modes (stochastic, count, window),
 * when to publish, adopting a retrained version, and the background learner that
 * {@code drift.action: background} trains from a warning on (BackgroundLearner). Knows nothing of Kafka.
 *
 * <p>May use: config, eval, model. The table is enforced by {@code ArchitectureTest}.
 */
package io.streamlearn.learn;
