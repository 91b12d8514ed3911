/**
 * The math: a network of dense layers (Network), its spec (ModelSpec, LayerSpec), activations,
 * losses, labels, the optimizers (model.optim) and RecordCheck, the one rule for which records a
 * model can take. Start here: Network.learn is one example's test-then-train step.
 *
 * <p>May use: nothing of streamlearn, Kafka, Avro or JSON: plain Java and EJML-style buffers. The table is enforced by {@code ArchitectureTest}.
 */
package io.streamlearn.model;
