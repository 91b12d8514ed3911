package io.streamlearn.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.streamlearn.model.Label;
import java.io.IOException;

/** {@code {"id": "e1", "model": "default", "features": [0.5, 1.2], "label": 1}}; id and model optional. */
public final class JsonExampleCodec implements Codec<LabeledExample> {
    private final JsonRecordBuffers buffers = new JsonRecordBuffers();
    private final JsonFastReader fast = new JsonFastReader();
    private final int maxFeatures;

    public JsonExampleCodec(int maxFeatures) {
        this.maxFeatures = maxFeatures;
    }

    @Override
    public LabeledExample decode(byte[] bytes) {
        LabeledExample common = fast.example(bytes, maxFeatures);
        return common != null ? common : decodeWithJackson(bytes);
    }

    /** Every record the fast reader leaves: other fields, escapes, NaN, malformed ones (their errors are said here). */
    LabeledExample decodeWithJackson(byte[] bytes) {
        try (JsonParser p = JsonShapes.open(bytes)) {
            String id = null;
            String model = null;
            double[] features = null;
            double label = Double.NaN;
            double[] labelVector = null;
            boolean hasLabel = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "id" -> id = JsonShapes.readNullableString(p, name);
                    case "model" -> model = JsonShapes.readNullableString(p, name);
                    case "features" -> features = buffers.readDoubles(p, name, maxFeatures);
                    case "label" -> {
                        if (t == JsonToken.START_ARRAY) {
                            labelVector = buffers.readDoubles(p, name, maxFeatures);
                            hasLabel = true;
                        } else if (t.isNumeric()) {
                            label = p.getDoubleValue();
                            hasLabel = true;
                        } else if (t != JsonToken.VALUE_NULL) {
                            throw new InvalidRecordException(DeadLetterReason.UNDECODABLE, "'label' must be a number or an array of numbers");
                        }
                    }
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
            if (!hasLabel) {
                throw new InvalidRecordException(DeadLetterReason.MISSING_FIELD, "missing field 'label'");
            }
            return labelVector == null ? LabeledExample.of(id, model, features, label)
                    : LabeledExample.of(id, model, features, labelVector);
        } catch (IOException e) {
            throw JsonShapes.malformed(e);
        }
    }

    /** A label as JSON writes it: integral values without a decimal point. */
    public static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    @Override
    public byte[] encode(LabeledExample e) {
        return buffers.write(g -> {
            g.writeStartObject();
            if (e.id() != null) {
                g.writeStringField("id", e.id());
            }
            if (e.model() != null) {
                g.writeStringField("model", e.model());
            }
            JsonShapes.writeDoubles(g, "features", e.features());
            if (e.label() instanceof Label.Vector v) {
                JsonShapes.writeDoubles(g, "label", v.target());
            } else {
                double y = ((Label.Scalar) e.label()).value();
                if (y == Math.rint(y) && Math.abs(y) < 1e15) {
                    g.writeNumberField("label", (long) y);
                } else {
                    g.writeNumberField("label", y);
                }
            }
            g.writeEndObject();
        });
    }
}
