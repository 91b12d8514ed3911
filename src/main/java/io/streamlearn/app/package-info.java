/**
 * The running learner: starts the topology with its settings, topics and HTTP server, reports
 * failures in one line, stops cleanly; client properties for every Kafka client.
 *
 * <p>May use: avro, codec, config, http, kafka, learn, lifecycle, metrics, snapshot, topology. The table is enforced by {@code ArchitectureTest}.
 */
package io.streamlearn.app;
