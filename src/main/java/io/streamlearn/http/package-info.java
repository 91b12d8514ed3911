/**
 * The HTTP API and the dashboard: models, predictions, grids, health, Prometheus.
 *
 * <p>May use: avro, codec, config, eval, metrics, model, snapshot, topology. The table is enforced by {@code ArchitectureTest}.
 */
package io.streamlearn.http;
