package io.streamlearn.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * The {@code drift} topic's records, always JSON whatever the other topics' formats: a drift is
 * rare and read by people and dashboards (kcat, a browser), so readability wins over size.
 * {@code {"model":"m","version":7,"examplesSeen":3040,"errorBefore":0.026,"errorAfter":0.64,
 * "action":"report","timestamp":1700000003040}}; an error not measured is null.
 */
public final class JsonDriftCodec implements Codec<DriftRecord> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public DriftRecord decode(byte[] bytes) {
        try {
            JsonNode n = JSON.readTree(bytes);
            if (n == null || !n.isObject() || !n.path("model").isTextual()) {
                throw new InvalidRecordException(DeadLetterReason.UNDECODABLE, "a drift record is a JSON object with a model");
            }
            return new DriftRecord(n.get("model").asText(), n.path("version").asLong(), n.path("examplesSeen").asLong(),
                    number(n.get("errorBefore")), number(n.get("errorAfter")), n.path("action").asText(),
                    n.path("timestamp").asLong());
        } catch (IOException e) {
            throw new InvalidRecordException(DeadLetterReason.UNDECODABLE, "malformed JSON: " + e.getMessage());
        }
    }

    @Override
    public byte[] encode(DriftRecord d) {
        ObjectNode n = JSON.createObjectNode();
        n.put("model", d.model());
        n.put("version", d.version());
        n.put("examplesSeen", d.examplesSeen());
        putMeasured(n, "errorBefore", d.errorBefore());
        putMeasured(n, "errorAfter", d.errorAfter());
        n.put("action", d.action());
        n.put("timestamp", d.timestamp());
        try {
            return JSON.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a drift record always encodes", e);
        }
    }

    private static void putMeasured(ObjectNode n, String field, double value) {
        if (Double.isFinite(value)) {
            n.put(field, value);
        } else {
            n.putNull(field);
        }
    }

    private static double number(JsonNode n) {
        return n == null || !n.isNumber() ? Double.NaN : n.asDouble();
    }
}
