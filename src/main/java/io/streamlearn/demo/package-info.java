/**
 * The tutorial demo and the served demo: a feed of examples and events into a running learner.
 *
 * <p>May use: app, avro, codec, config, data, http, kafka, lifecycle, metrics, model, snapshot, topology. The table is enforced by {@code ArchitectureTest}.
 */
package io.streamlearn.demo;
