package io.streamlearn.app;

import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.config.ConfigException;
import io.streamlearn.config.ModelConfig;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.snapshot.ModelChanges;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before the learner starts: each declared model against the newest version published under
 * its id. Changes of how it learns are applied (the trainer rebuilds the model with the new
 * settings when it loads it), with one INFO line per model; a change of shape or loss stops
 * the start with every such model named, instead of failing its task at every restart.
 */
final class ConfigChanges {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigChanges.class);

    private ConfigChanges() {
    }

    static void check(StreamlearnConfig config, Map<String, WeightSnapshot> published) {
        List<String> refused = new ArrayList<>();
        for (ModelConfig declared : config.models().values()) {
            WeightSnapshot newest = published.get(declared.id());
            if (newest == null) {
                continue;
            }
            ModelChanges changes = ModelChanges.between(declared, newest);
            if (changes.isRefused()) {
                refused.add(changes.refusal(config.topics().weights()));
            } else if (!changes.applied().isEmpty()) {
                LOG.info("Model '{}' changed since version {}: {}; applied from now on", declared.id(),
                        newest.getVersion(), String.join(", ", changes.applied()));
            }
        }
        if (!refused.isEmpty()) {
            throw new ConfigException(refused);
        }
    }
}
