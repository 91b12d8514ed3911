package io.streamlearn.evaluate;

import io.streamlearn.config.ModelConfig;

/** A model under evaluation: the name it is reported by and its configuration. */
public record Candidate(String name, ModelConfig config) {
}
