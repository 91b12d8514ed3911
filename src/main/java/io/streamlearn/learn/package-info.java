/**
 * One model learning from a stream (OnlineLearner): update modes (stochastic, count, window),
 * when to publish, adopting a retrained version. Knows nothing of Kafka.
 *
 * <p>May use: config, eval, model. The table is enforced by {@code ArchitectureTest}.
 */
package io.streamlearn.learn;
