package io.streamlearn.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro's own JSON encoding of a generated record: the JSON form of records whose shape is the
 * schema itself (weight snapshots), so JSON readers and the schema never disagree. JSON carries
 * no fingerprint, so a record the current schema cannot read is tried against each earlier
 * version ({@link PreviousSchemas}), newest first: fields added since take their defaults.
 */
public final class AvroJson<T extends SpecificRecord> {
    static {
        // A JSON-only reader (tail dead-letters --json) may be the first codec loaded.
        AvroTrust.ourGeneratedClasses();
    }

    private final Schema schema;
    private final SpecificDatumWriter<T> writer;
    private final SpecificDatumReader<T> reader;
    private final List<Schema> previous;
    private final List<SpecificDatumReader<T>> previousReaders = new ArrayList<>();

    public AvroJson(Schema schema) {
        this.schema = schema;
        this.writer = new SpecificDatumWriter<>(schema);
        this.reader = new SpecificDatumReader<>(schema);
        this.previous = PreviousSchemas.of(schema);
        for (Schema old : previous) {
            previousReaders.add(new SpecificDatumReader<>(old, schema));
        }
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
        String text = new String(bytes, StandardCharsets.UTF_8);
        try {
            return reader.read(null, DecoderFactory.get().jsonDecoder(schema, text));
        } catch (IOException | RuntimeException e) {
            for (int i = 0; i < previous.size(); i++) {
                try {
                    return previousReaders.get(i).read(null, DecoderFactory.get().jsonDecoder(previous.get(i), text));
                } catch (IOException | RuntimeException notThatOneEither) {
                    // the current schema's error below is the one that names the problem
                }
            }
            throw new InvalidRecordException(DeadLetterReason.UNDECODABLE,
                    "not a JSON " + schema.getName() + " (" + e.getMessage() + ")");
        }
    }
}
