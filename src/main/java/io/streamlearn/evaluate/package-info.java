/**
 * {@code streamlearn evaluate} without Kafka: prequential (test-then-train) evaluation of models side
 * by side over a generator, a bundled data set or a CSV file, through the same OnlineLearner the
 * topology runs; variants for comparisons, the result table.
 *
 * <p>May use: config, data, eval, learn, model. The table is enforced by {@code ArchitectureTest}.
 */
package io.streamlearn.evaluate;
