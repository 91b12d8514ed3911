package io.streamlearn.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro single-object encoding of one generated record class: C3 01, the schema's 8-byte
 * CRC-64-AVRO fingerprint, then binary Avro. A reader checks the fingerprint without a registry;
 * decoding failures become dead-letter reasons instead of exceptions escaping the topology.
 */
public final class AvroSingleObject<T extends SpecificRecord> {

    static {
        // Avro 1.12.2 refuses to instantiate generated classes from packages it does not trust.
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(
                ClassSecurityValidator.getGlobal(),
                c -> c.getName().startsWith("io.streamlearn.avro.")));
    }

    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;
    private final String typeName;
    private final Schema schema;
    private final long fingerprint;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

    /** C3 01 and the 8-byte fingerprint. */
    private static final int HEADER = 10;

    public AvroSingleObject(Schema schema) {
        this.encoder = new BinaryMessageEncoder<>(SpecificData.get(), schema);
        this.decoder = new BinaryMessageDecoder<>(SpecificData.get(), schema);
        this.typeName = schema.getName();
        this.schema = schema;
        this.fingerprint = SchemaNormalization.parsingFingerprint64(schema);
    }

    public static <T extends SpecificRecord> AvroSingleObject<T> of(Schema schema) {
        return new AvroSingleObject<>(schema);
    }

    /** Decodes, reusing {@code reuse} when not null. */
    public T decode(byte[] bytes, T reuse) {
        if (isOurs(bytes)) {
            // Avro allocates a declared string length before reading it: check lengths first.
            AvroBounds.check(schema, bytes, HEADER);
        }
        try {
            return decoder.decode(bytes, reuse);
        } catch (MissingSchemaException e) {
            throw new InvalidRecordException(DeadLetterReason.WRONG_SCHEMA,
                    "Avro schema fingerprint is not that of " + typeName);
        } catch (BadHeaderException e) {
            throw new InvalidRecordException(DeadLetterReason.UNDECODABLE,
                    "not Avro single-object encoding (" + e.getMessage() + ")");
        } catch (IOException | RuntimeException e) {
            // Truncated or corrupt bodies surface as EOF, Avro runtime and limit exceptions, or
            // index errors; all mean the same thing to a producer: these bytes are not a record.
            throw new InvalidRecordException(DeadLetterReason.UNDECODABLE,
                    "truncated or corrupt Avro " + typeName + " (" + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + firstLine(e.getMessage())) + ")");
        }
    }

    /** Whether {@code bytes} start with the single-object header of this schema (else Avro refuses them itself). */
    private boolean isOurs(byte[] bytes) {
        if (bytes == null || bytes.length < HEADER || bytes[0] != (byte) 0xC3 || bytes[1] != (byte) 0x01) {
            return false;
        }
        long fp = 0;
        for (int i = 0; i < 8; i++) {
            fp |= (bytes[2 + i] & 0xFFL) << (8 * i);
        }
        return fp == fingerprint;
    }

    /** Encodes through one reused buffer (instances are thread-confined, like the codecs that own them). */
    public byte[] encode(T value) {
        out.reset();
        try {
            encoder.encode(value, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
