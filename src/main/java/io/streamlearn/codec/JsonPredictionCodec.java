package io.streamlearn.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/** {@code {"id": "e2", "model": "default", "version": 12, "output": [0.93], "label": 1, "timestamp": 1764300000000}}. */
public final class JsonPredictionCodec implements Codec<ScoredEvent> {
    private final JsonRecordBuffers buffers = new JsonRecordBuffers();
    private final JsonFastWriter fast = new JsonFastWriter();

    @Override
    public ScoredEvent decode(byte[] bytes) {
        try (JsonParser p = JsonShapes.open(bytes)) {
            String id = null;
            String model = null;
            long version = -1;
            double[] output = null;
            int label = -1;
            long timestamp = -1;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "id" -> id = JsonShapes.readNullableString(p, name);
                    case "model" -> model = JsonShapes.readNullableString(p, name);
                    case "version" -> version = p.getLongValue();
                    case "output" -> output = buffers.readDoubles(p, name, Integer.MAX_VALUE - 8);
                    case "label" -> label = p.getIntValue();
                    case "timestamp" -> timestamp = p.getLongValue();
                    default -> p.skipChildren();
                }
            }
            if (model == null || output == null) {
                throw new InvalidRecordException(DeadLetterReason.MISSING_FIELD, "a scored event needs 'model' and 'output'");
            }
            return new ScoredEvent(id, model, version, output, label, timestamp);
        } catch (IOException e) {
            throw JsonShapes.malformed(e);
        }
    }

    @Override
    public byte[] encode(ScoredEvent s) {
        byte[] common = fast.prediction(s);
        return common != null ? common : encodeWithJackson(s);
    }

    /** Every event the fast writer leaves: strings to escape, non-finite outputs, missing fields. */
    byte[] encodeWithJackson(ScoredEvent s) {
        return buffers.write(g -> {
            g.writeStartObject();
            if (s.id() != null) {
                g.writeStringField("id", s.id());
            }
            g.writeStringField("model", s.model());
            g.writeNumberField("version", s.version());
            JsonShapes.writeDoubles(g, "output", s.output());
            g.writeNumberField("label", s.label());
            g.writeNumberField("timestamp", s.timestamp());
            g.writeEndObject();
        });
    }
}
