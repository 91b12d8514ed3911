package io.streamlearn.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * The catalogue topic's records, always JSON: a catalogue is small, changes rarely and is read by
 * people (kcat) as much as by programs. {@code {"model":{"id":"m","inputSize":2,...},"retired":false,
 * "seed":{...}|null,"changedBy":"command","timestamp":1700000000000}}.
 */
public final class JsonCatalogueCodec implements Codec<CatalogueRecord> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public CatalogueRecord decode(byte[] bytes) {
        try {
            JsonNode n = JSON.readTree(bytes);
            if (n == null || !n.isObject() || !n.path("model").isObject() || !n.path("model").path("id").isTextual()) {
                throw new InvalidRecordException(DeadLetterReason.UNDECODABLE,
                        "a catalogue record is a JSON object whose 'model' is a model with an id");
            }
            JsonNode seed = n.get("seed");
            return new CatalogueRecord((ObjectNode) n.get("model"), n.path("retired").asBoolean(false),
                    seed != null && seed.isObject() ? (ObjectNode) seed : null, n.path("changedBy").asText(""),
                    n.path("timestamp").asLong());
        } catch (IOException e) {
            throw new InvalidRecordException(DeadLetterReason.UNDECODABLE, "malformed JSON: " + e.getMessage());
        }
    }

    @Override
    public byte[] encode(CatalogueRecord r) {
        ObjectNode n = JSON.createObjectNode();
        n.set("model", r.model());
        n.put("retired", r.retired());
        if (r.seed() == null) {
            n.putNull("seed");
        } else {
            n.set("seed", r.seed());
        }
        n.put("changedBy", r.changedBy());
        n.put("timestamp", r.timestamp());
        try {
            return JSON.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a catalogue record always encodes", e);
        }
    }
}
