package io.streamlearn.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the common shape of an example or an event without a tokenizer: one object of the known
 * fields, ASCII strings without escapes, numbers in JSON's grammar ({@link JsonNumbers}). Creating
 * a Jackson parser and tokenising cost more than the numbers themselves (about half of scoring's
 * decode in the profile). Whatever it does not recognise — another field, an escape, a non-ASCII
 * byte, NaN, a duplicate field, a syntax error, too many values — it does not judge: it answers
 * null and the codec reads the record with Jackson, which gives the same value or the same error
 * as before. So this is only ever faster, never different; {@code JsonFastReaderTest} compares
 * both readers on random and malformed records. Thread-confined, like the codecs that own it.
 */
final class JsonFastReader {
    private static final int ID = 1;
    private static final int MODEL = 2;
    private static final int FEATURES = 4;
    private static final int LABEL = 8;
    private static final byte[] ID_KEY = "id\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MODEL_KEY = "model\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FEATURES_KEY = "features\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LABEL_KEY = "label\"".getBytes(StandardCharsets.US_ASCII);

    /** Thrown, without a stack trace, where the record leaves the fast path: Jackson reads it instead. */
    private static final RuntimeException NOT_FAST = new RuntimeException("not the fast path", null, false, false) {
    };

    private byte[] b;
    private int p;
    private int end;
    private final JsonNumbers numbers = new JsonNumbers();
    private double[] scratch = new double[16];
    private String id;
    private String model;
    private double[] features;
    private double label;
    private double[] labelVector;

    /** An example, or null when Jackson should read it. */
    LabeledExample example(byte[] bytes, int maxFeatures) {
        try {
            int seen = object(bytes, maxFeatures, true);
            if ((seen & (FEATURES | LABEL)) != (FEATURES | LABEL)) {
                return null;
            }
            return labelVector == null ? LabeledExample.of(id, model, features, label)
                    : LabeledExample.of(id, model, features, labelVector);
        } catch (RuntimeException notFast) {
            // NOT_FAST, or an index past the end of a truncated record: Jackson says what is wrong.
            return null;
        } finally {
            b = null;
        }
    }

    /** An event, or null when Jackson should read it. */
    Event event(byte[] bytes, int maxFeatures) {
        try {
            int seen = object(bytes, maxFeatures, false);
            return (seen & FEATURES) == 0 ? null : new Event(id, model, features);
        } catch (RuntimeException notFast) {
            return null;
        } finally {
            b = null;
        }
    }

    /** Reads the whole record; returns the fields seen. */
    private int object(byte[] bytes, int maxFeatures, boolean labeled) {
        b = bytes;
        p = 0;
        end = bytes.length;
        id = null;
        model = null;
        features = null;
        labelVector = null;
        label = Double.NaN;
        ws();
        expect('{');
        ws();
        int seen = 0;
        if (b[p] == '}') {
            throw NOT_FAST;
        }
        while (true) {
            expect('"');
            int field = key(labeled);
            if ((seen & field) != 0) {
                throw NOT_FAST;
            }
            seen |= field;
            ws();
            expect(':');
            ws();
            switch (field) {
                case ID -> id = nullableString();
                case MODEL -> model = nullableString();
                case FEATURES -> features = doubles(maxFeatures);
                default -> {
                    if (b[p] == '[') {
                        labelVector = doubles(maxFeatures);
                    } else {
                        label = number();
                    }
                }
            }
            ws();
            byte c = b[p++];
            if (c == '}') {
                break;
            }
            if (c != ',') {
                throw NOT_FAST;
            }
            ws();
        }
        ws();
        if (p != end) {
            throw NOT_FAST;
        }
        return seen;
    }

    /** The field whose name starts at p (after its opening quote); moves past the closing quote. */
    private int key(boolean labeled) {
        if (matches(ID_KEY)) {
            return ID;
        }
        if (matches(MODEL_KEY)) {
            return MODEL;
        }
        if (matches(FEATURES_KEY)) {
            return FEATURES;
        }
        if (labeled && matches(LABEL_KEY)) {
            return LABEL;
        }
        throw NOT_FAST;
    }

    private boolean matches(byte[] key) {
        if (end - p < key.length) {
            return false;
        }
        for (int i = 0; i < key.length; i++) {
            if (b[p + i] != key[i]) {
                return false;
            }
        }
        p += key.length;
        return true;
    }

    private String nullableString() {
        if (b[p] == 'n') {
            if (end - p >= 4 && b[p + 1] == 'u' && b[p + 2] == 'l' && b[p + 3] == 'l') {
                p += 4;
                return null;
            }
            throw NOT_FAST;
        }
        expect('"');
        int start = p;
        while (true) {
            byte c = b[p];
            if (c == '"') {
                break;
            }
            // Escapes, control characters and non-ASCII bytes (negative here) are Jackson's to decode or refuse.
            if (c < 0x20 || c == '\\' || c == 0x7F) {
                throw NOT_FAST;
            }
            p++;
        }
        String s = new String(b, start, p - start, StandardCharsets.ISO_8859_1);
        p++;
        return s;
    }

    private double[] doubles(int limit) {
        expect('[');
        ws();
        if (b[p] == ']') {
            p++;
            return new double[0];
        }
        double[] buf = scratch;
        int n = 0;
        while (true) {
            if (n == limit) {
                throw NOT_FAST;
            }
            if (n == buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(limit, 2L * n));
                scratch = buf;
            }
            buf[n++] = number();
            ws();
            byte c = b[p++];
            if (c == ']') {
                return Arrays.copyOf(buf, n);
            }
            if (c != ',') {
                throw NOT_FAST;
            }
            ws();
        }
    }

    private double number() {
        double v = numbers.read(b, p, end);
        if (Double.isNaN(v)) {
            throw NOT_FAST;
        }
        p = numbers.next;
        return v;
    }

    private void ws() {
        while (p < end) {
            byte c = b[p];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            p++;
        }
    }

    private void expect(char c) {
        if (b[p] != c) {
            throw NOT_FAST;
        }
        p++;
    }
}
