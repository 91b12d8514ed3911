package io.streamlearn.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro single-object encoding of one generated record class: C3 01, the schema's 8-byte
 * CRC-64-AVRO fingerprint, then binary Avro. A reader checks the fingerprint without a registry;
 * decoding failures become dead-letter reasons instead of exceptions escaping the topology.
 * Records written with an earlier version of the schema ({@link PreviousSchemas}) are read too,
 * fields added since taking their defaults.
 */
public final class AvroSingleObject<T extends SpecificRecord> {

    static {
        AvroTrust.ourGeneratedClasses();
    }

    /** Avro's own message decoder, for bytes without our header: it says what is wrong with them. */
    private final BinaryMessageDecoder<T> messages;
    private final SpecificDatumReader<T> reader;
    private final SpecificDatumWriter<T> writer;
    private final String typeName;
    private final Schema schema;
    private final long fingerprint;
    private final byte[] header;
    /** Earlier versions of the schema by fingerprint, each with a reader resolving it to the current one. */
    private final Map<Long, Previous<T>> previous = new HashMap<>();
    // Reused from record to record: instances are thread-confined, like the codecs that own them.
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    private BinaryEncoder binaryEncoder;
    private BinaryDecoder binaryDecoder;

    /** C3 01 and the 8-byte fingerprint. */
    private static final int HEADER = 10;

    private record Previous<T>(Schema writer, SpecificDatumReader<T> reader) {
    }

    public AvroSingleObject(Schema schema) {
        this.messages = new BinaryMessageDecoder<>(SpecificData.get(), schema);
        this.reader = new SpecificDatumReader<>(schema, schema, SpecificData.get());
        this.writer = new SpecificDatumWriter<>(schema, SpecificData.get());
        this.typeName = schema.getName();
        this.schema = schema;
        this.fingerprint = SchemaNormalization.parsingFingerprint64(schema);
        this.header = new byte[HEADER];
        header[0] = (byte) 0xC3;
        header[1] = (byte) 0x01;
        for (int i = 0; i < 8; i++) {
            header[2 + i] = (byte) (fingerprint >>> (8 * i));
        }
        for (Schema old : PreviousSchemas.of(schema)) {
            previous.put(SchemaNormalization.parsingFingerprint64(old),
                    new Previous<>(old, new SpecificDatumReader<>(old, schema, SpecificData.get())));
        }
    }

    public static <T extends SpecificRecord> AvroSingleObject<T> of(Schema schema) {
        return new AvroSingleObject<>(schema);
    }

    /**
     * Decodes, reusing {@code reuse} when not null. Bytes with this schema's header are read
     * straight from the array after it (Avro's message decoder would wrap them in a stream and
     * look the schema up per record); other bytes go to Avro's message decoder, which names the
     * problem: another schema, or not single-object encoding at all.
     */
    public T decode(byte[] bytes, T reuse) {
        try {
            long fp = fingerprintOf(bytes);
            if (fp == fingerprint) {
                // Avro allocates a declared string length before reading it: check lengths first.
                AvroBounds.check(schema, bytes, HEADER);
                binaryDecoder = DecoderFactory.get().binaryDecoder(bytes, HEADER, bytes.length - HEADER, binaryDecoder);
                return reader.read(reuse, binaryDecoder);
            }
            Previous<T> old = fp == NO_HEADER ? null : previous.get(fp);
            if (old != null) {
                AvroBounds.check(old.writer(), bytes, HEADER);
                binaryDecoder = DecoderFactory.get().binaryDecoder(bytes, HEADER, bytes.length - HEADER, binaryDecoder);
                return old.reader().read(reuse, binaryDecoder);
            }
            return messages.decode(bytes, reuse);
        } catch (MissingSchemaException e) {
            throw new InvalidRecordException(DeadLetterReason.WRONG_SCHEMA,
                    "Avro schema fingerprint is not that of " + typeName);
        } catch (BadHeaderException e) {
            throw new InvalidRecordException(DeadLetterReason.UNDECODABLE,
                    "not Avro single-object encoding (" + e.getMessage() + ")");
        } catch (InvalidRecordException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Truncated or corrupt bodies surface as EOF, Avro runtime and limit exceptions, or
            // index errors; all mean the same thing to a producer: these bytes are not a record.
            throw new InvalidRecordException(DeadLetterReason.UNDECODABLE,
                    "truncated or corrupt Avro " + typeName + " (" + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + firstLine(e.getMessage())) + ")");
        }
    }

    /** No single-object header: Avro's message decoder says what is wrong. */
    private static final long NO_HEADER = 0;

    /**
     * The fingerprint in the single-object header of {@code bytes}, or {@link #NO_HEADER} (a CRC-64
     * of 0 is no schema of ours; such bytes go to Avro, which refuses them itself).
     */
    private static long fingerprintOf(byte[] bytes) {
        if (bytes == null || bytes.length < HEADER || bytes[0] != (byte) 0xC3 || bytes[1] != (byte) 0x01) {
            return NO_HEADER;
        }
        long fp = 0;
        for (int i = 0; i < 8; i++) {
            fp |= (bytes[2 + i] & 0xFFL) << (8 * i);
        }
        return fp;
    }

    /** C3 01 and this schema's fingerprint: what every record written with it starts with. */
    byte[] header() {
        return header.clone();
    }

    /** The header, then the binary record, through one reused buffer and encoder. */
    public byte[] encode(T value) {
        out.reset();
        out.write(header, 0, HEADER);
        try {
            binaryEncoder = EncoderFactory.get().binaryEncoder(out, binaryEncoder);
            writer.write(value, binaryEncoder);
            binaryEncoder.flush();
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
