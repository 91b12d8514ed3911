/**
 * Offline retraining: replay a model's examples from Kafka for epochs (KafkaEpochSource,
 * Retrainer) and publish the result as a new version (RetrainJob).
 *
 * <p>May use: app, avro, codec, config, eval, kafka, learn, model, snapshot, topology. The table is enforced by {@code ArchitectureTest}.
 */
package io.streamlearn.retrain;
