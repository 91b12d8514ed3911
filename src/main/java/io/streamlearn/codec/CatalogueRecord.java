package io.streamlearn.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamlearn.config.ModelConfig;
import io.streamlearn.config.ModelEntry;

/**
 * One model's record on the catalogue topic (keyed by model id, compacted: the newest record of
 * each id is the model's state).
 *
 * @param model     the model as a configuration file declares it ({@link ModelEntry}), defaults resolved
 * @param retired   true once retired: no training or scoring, the weights stay readable
 * @param seed      the configuration file's entry this model was last written from, or null when a
 *                  command added it: at start, a file entry equal to its seed is not written again,
 *                  so what commands changed since stands until the file's entry itself changes
 * @param changedBy who wrote this record: {@code file}, {@code command} or {@code http}
 * @param timestamp wall-clock time of the change, ms
 */
public record CatalogueRecord(ObjectNode model, boolean retired, ObjectNode seed, String changedBy, long timestamp) {

    /** The model's settings, read as the configuration file's are. */
    public ModelConfig config(String where) {
        return ModelEntry.parse(model, where);
    }

    public String id() {
        JsonNode id = model.get("id");
        return id == null ? null : id.asText();
    }
}
