/**
 * `streamlearn bench`: throughput and latency of the learner against a pass-through, on a real broker.
 *
 * <p>May use: app, avro, broker, codec, config, data, eval, kafka, lifecycle, model, retrain, snapshot, topology. The table is enforced by {@code ArchitectureTest}.
 */
package io.streamlearn.bench;
