package io.streamlearn.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro's own JSON encoding of a generated record: the JSON form of records whose shape is the
 * schema itself (weight snapshots), so JSON readers and the schema never disagree.
 */
public final class AvroJson<T extends SpecificRecord> {
    static {
        // A JSON-only reader (tail dead-letters --json) may be the first codec loaded.
        AvroTrust.ourGeneratedClasses();
    }

    private final Schema schema;
    private final SpecificDatumWriter<T> writer;
    private final SpecificDatumReader<T> reader;

    public AvroJson(Schema schema) {
        this.schema = schema;
        this.writer = new SpecificDatumWriter<>(schema);
        this.reader = new SpecificDatumReader<>(schema);
    }

    public byte[] encode(T value) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            JsonEncoder enc = EncoderFactory.get().jsonEncoder(schema, out);
            writer.write(value, enc);
            enc.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public T decode(byte[] bytes) {
        try {
            return reader.read(null, DecoderFactory.get().jsonDecoder(schema, new String(bytes, StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) {
            throw new InvalidRecordException(DeadLetterReason.UNDECODABLE,
                    "not a JSON " + schema.getName() + " (" + e.getMessage() + ")");
        }
    }
}
