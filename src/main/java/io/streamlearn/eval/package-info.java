/**
 * Prequential (test-then-train) figures of a model: accuracy and log loss, counted without a held-out set.
 *
 * <p>May use: model. The table is enforced by {@code ArchitectureTest}.
 */
package io.streamlearn.eval;
