/**
 * Data sets and generators for the tutorial and the demos: CSV rows, the bundled data sets, synthetic streams.
 *
 * <p>May use: nothing of streamlearn. The table is enforced by {@code ArchitectureTest}.
 */
package io.streamlearn.data;
