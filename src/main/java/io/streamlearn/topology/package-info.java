/**
 * The Kafka Streams topology, built by a pure factory (TopologyFactory): validate examples,
 * train (Trainer), publish weights, train data-parallel models by replicas whose deltas the trainer merges (ParallelTraining), score events (Scorer), dead-letter what cannot be used. Every
 * processor and store is named (Names). Does no math itself: it calls learn and model.
 *
 * <p>May use: avro, codec, config, eval, kafka, learn, model, snapshot. The table is enforced by {@code ArchitectureTest}.
 */
package io.streamlearn.topology;
