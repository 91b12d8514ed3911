/**
 * Micrometer meters of the learner (lowercase dotted names, bounded tags), fed by the topology's listener.
 *
 * <p>May use: codec, config, eval, learn, model, topology. The table is enforced by {@code ArchitectureTest}.
 */
package io.streamlearn.metrics;
