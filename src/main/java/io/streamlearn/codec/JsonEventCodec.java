package io.streamlearn.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/** {@code {"id": "e2", "model": "default", "features": [0.5, 1.2]}}; id and model optional, other fields ignored. */
public final class JsonEventCodec implements Codec<Event> {
    private final JsonRecordBuffers buffers = new JsonRecordBuffers();
    private final JsonFastReader fast = new JsonFastReader();
    private final int maxFeatures;

    public JsonEventCodec(int maxFeatures) {
        this.maxFeatures = maxFeatures;
    }

    @Override
    public Event decode(byte[] bytes) {
        Event common = fast.event(bytes, maxFeatures);
        return common != null ? common : decodeWithJackson(bytes);
    }

    /** Every record the fast reader leaves: other fields, escapes, NaN, malformed ones (their errors are said here). */
    Event decodeWithJackson(byte[] bytes) {
        try (JsonParser p = JsonShapes.open(bytes)) {
            String id = null;
            String model = null;
            double[] features = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "id" -> id = JsonShapes.readNullableString(p, name);
                    case "model" -> model = JsonShapes.readNullableString(p, name);
                    case "features" -> features = buffers.readDoubles(p, name, maxFeatures);
                    default -> p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT) {
                throw new InvalidRecordException(DeadLetterReason.UNDECODABLE, "malformed JSON: unterminated object");
            }
            JsonShapes.skipAndCheckEnd(p);
            if (features == null) {
                throw new InvalidRecordException(DeadLetterReason.MISSING_FIELD, "missing field 'features'");
            }
            return new Event(id, model, features);
        } catch (IOException e) {
            throw JsonShapes.malformed(e);
        }
    }

    @Override
    public byte[] encode(Event e) {
        return buffers.write(g -> {
            g.writeStartObject();
            if (e.id() != null) {
                g.writeStringField("id", e.id());
            }
            if (e.model() != null) {
                g.writeStringField("model", e.model());
            }
            JsonShapes.writeDoubles(g, "features", e.features());
            g.writeEndObject();
        });
    }
}
