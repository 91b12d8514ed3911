/**
 * PNG pictures of data and of a model's decision regions.
 *
 * <p>May use: data, model. The table is enforced by {@code ArchitectureTest}.
 */
package io.streamlearn.plot;
