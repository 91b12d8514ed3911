package io.streamlearn.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;

/**
 * The streaming JSON reading and writing shared by the JSON codecs. Streaming (not a tree) so a
 * feature array longer than the limit is refused without being read, and so decoding allocates
 * only the result.
 */
final class JsonShapes {
    /**
     * NaN and Infinity are accepted so that they reach validation and get their own reason.
     * Doubles are read and written with Jackson's fast (and still exact: correctly rounded,
     * shortest round-trip) number codecs: feature vectors are most of every record's bytes.
     */
    static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .build();

    private JsonShapes() {
    }

    static JsonParser open(byte[] bytes) {
        try {
            JsonParser p = FACTORY.createParser(bytes);
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidRecordException(DeadLetterReason.UNDECODABLE, "JSON value is not an object");
            }
            return p;
        } catch (IOException e) {
            throw malformed(e);
        }
    }

    static InvalidRecordException malformed(IOException e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = msg.indexOf('\n');
        return new InvalidRecordException(DeadLetterReason.UNDECODABLE,
                "malformed JSON: " + (nl > 0 ? msg.substring(0, nl) : msg));
    }

    static String readNullableString(JsonParser p, String field) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t == JsonToken.VALUE_STRING || t.isNumeric()) {
            return p.getText();
        }
        throw new InvalidRecordException(DeadLetterReason.UNDECODABLE, "'" + field + "' must be a string");
    }

    static void skipAndCheckEnd(JsonParser p) throws IOException {
        if (p.nextToken() != null) {
            throw new InvalidRecordException(DeadLetterReason.UNDECODABLE, "malformed JSON: trailing content after the object");
        }
    }

    interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    static void writeDoubles(JsonGenerator g, String field, double[] values) throws IOException {
        g.writeFieldName(field);
        g.writeStartArray();
        for (double v : values) {
            g.writeNumber(v);
        }
        g.writeEndArray();
    }
}
