/**
 * Prequential (test-then-train) figures of a model, counted without a held-out set: accuracy and log
 * loss (Prequential), figures per kind of model, cumulative, windowed and fading (Evaluation), and
 * drift detection on the prequential error (ADWIN, DriftDetector).
 *
 * <p>May use: model. The table is enforced by {@code ArchitectureTest}.
 */
package io.streamlearn.eval;
