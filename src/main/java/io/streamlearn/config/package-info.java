/**
 * The one typed configuration (StreamlearnConfig) and its loader: YAML, environment and --set
 * overrides, validated at once with every problem listed; topic names and formats (Format) live here.
 *
 * <p>May use: model (a model's spec is part of the configuration). The table is enforced by {@code ArchitectureTest}.
 */
package io.streamlearn.config;
