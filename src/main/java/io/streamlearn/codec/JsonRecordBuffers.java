package io.streamlearn.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * What one JSON codec reuses from record to record: a scratch array for number arrays and one
 * generator with its output buffer. Scoring decodes and encodes a record per event, and creating
 * a generator, growing an output stream and growing an array per record cost as much as writing
 * the numbers (CodecBenchmark). Thread-confined, like the codecs that own it.
 */
final class JsonRecordBuffers {
    private double[] scratch = new double[16];
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    private JsonGenerator generator;

    /** Reads a JSON array of numbers, the parser positioned on its START_ARRAY; the result is a new array. */
    double[] readDoubles(JsonParser p, String field, int limit) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new InvalidRecordException(DeadLetterReason.UNDECODABLE, "'" + field + "' must be an array of numbers");
        }
        double[] buf = scratch;
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                throw new InvalidRecordException(DeadLetterReason.UNDECODABLE, "malformed JSON: unterminated '" + field + "'");
            }
            if (!t.isNumeric()) {
                throw new InvalidRecordException(DeadLetterReason.UNDECODABLE, "'" + field + "' must hold only numbers, found " + t.asString());
            }
            if (n == limit) {
                throw new InvalidRecordException(DeadLetterReason.TOO_MANY_FEATURES,
                        "'" + field + "' has more than the limit of " + limit + " values");
            }
            if (n == buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(limit, 2L * n));
                scratch = buf;
            }
            buf[n++] = p.getDoubleValue();
        }
        return Arrays.copyOf(buf, n);
    }

    /** The bytes of one JSON value written by {@code w}. */
    byte[] write(JsonShapes.Writer w) {
        out.reset();
        try {
            if (generator == null) {
                generator = JsonShapes.FACTORY.createGenerator(out);
                // One root value per record: no separator before the next record's value.
                generator.setRootValueSeparator(null);
            }
            w.write(generator);
            generator.flush();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            // A half-written value leaves the generator in the middle of an object: start afresh.
            generator = null;
            if (e instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw (RuntimeException) e;
        }
    }
}
