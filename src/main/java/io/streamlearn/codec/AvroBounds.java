package io.streamlearn.codec;

import org.apache.avro.Schema;

/**
 * Walks a binary Avro body against its schema before Avro decodes it, checking that every length
 * and count it declares fits in the bytes that are left. Avro's decoder allocates a string's
 * declared length before reading it: a record claiming a 2 GB {@code id} would allocate 2 GB (an
 * {@link OutOfMemoryError}, which no validator catches, stops the learner on that record forever),
 * a 100 MB claim allocates 100 MB per bad record. This walk allocates nothing and reads each byte
 * at most once; a record it refuses is {@link DeadLetterReason#UNDECODABLE}.
 *
 * <p>It checks bounds only: what it lets through is decoded, and refused if need be, by Avro.
 */
final class AvroBounds {
    /** Deeper nesting than any streamlearn schema has: only a recursive schema and hostile data get there. */
    private static final int MAX_DEPTH = 64;

    private final byte[] bytes;
    private int pos;

    private AvroBounds(byte[] bytes, int offset) {
        this.bytes = bytes;
        this.pos = offset;
    }

    /** Checks the body of {@code bytes} from {@code offset}, written with {@code schema}. */
    static void check(Schema schema, byte[] bytes, int offset) {
        new AvroBounds(bytes, offset).value(schema, 0);
    }

    private int left() {
        return bytes.length - pos;
    }

    private void value(Schema s, int depth) {
        if (depth > MAX_DEPTH) {
            throw bad("nested deeper than " + MAX_DEPTH + " levels");
        }
        switch (s.getType()) {
            case NULL -> {
            }
            case BOOLEAN -> skip(1, "boolean");
            case INT, LONG, ENUM -> varint(s.getType().getName());
            case FLOAT -> skip(4, "float");
            case DOUBLE -> skip(8, "double");
            case FIXED -> skip(s.getFixedSize(), "fixed");
            case STRING, BYTES -> {
                long length = varint(s.getType().getName() + " length");
                if (length < 0 || length > left()) {
                    throw bad("a " + s.getType().getName() + " of " + length + " bytes, with " + left() + " bytes left");
                }
                pos += (int) length;
            }
            case ARRAY -> blocks(s.getElementType(), null, depth);
            case MAP -> blocks(s.getValueType(), Schema.create(Schema.Type.STRING), depth);
            case UNION -> {
                long branch = varint("union index");
                if (branch < 0 || branch >= s.getTypes().size()) {
                    throw bad("union index " + branch + " of " + s.getTypes().size() + " branches");
                }
                value(s.getTypes().get((int) branch), depth + 1);
            }
            case RECORD -> {
                for (Schema.Field f : s.getFields()) {
                    value(f.schema(), depth + 1);
                }
            }
            default -> throw bad("unsupported type " + s.getType());
        }
    }

    /** Array or map blocks: a count, negative when followed by the block's size in bytes, then the items. */
    private void blocks(Schema item, Schema key, int depth) {
        long itemMin = Math.max(1, minSize(item) + (key == null ? 0 : 1));
        while (true) {
            long count = varint("block count");
            if (count == 0) {
                return;
            }
            if (count < 0) {
                if (count == Long.MIN_VALUE) {
                    throw bad("block count " + count);
                }
                count = -count;
                long size = varint("block size");
                if (size < 0 || size > left()) {
                    throw bad("a block of " + size + " bytes, with " + left() + " bytes left");
                }
            }
            if (count > left() / itemMin) {
                throw bad("a block of " + count + " items of at least " + itemMin + " bytes, with " + left() + " bytes left");
            }
            int fixed = fixedSize(item);
            if (key == null && fixed > 0) {
                pos += (int) (count * fixed);
                continue;
            }
            for (long i = 0; i < count; i++) {
                if (key != null) {
                    value(key, depth + 1);
                }
                value(item, depth + 1);
            }
        }
    }

    /** The fewest bytes a value of {@code s} takes, for bounding counts; unknown or empty shapes count as 0. */
    private static long minSize(Schema s) {
        return switch (s.getType()) {
            case BOOLEAN, INT, LONG, ENUM, STRING, BYTES, ARRAY, MAP, UNION -> 1;
            case FLOAT -> 4;
            case DOUBLE -> 8;
            case FIXED -> s.getFixedSize();
            default -> 0;
        };
    }

    /** The size of a value that always takes the same number of bytes, else 0. */
    private static int fixedSize(Schema s) {
        return switch (s.getType()) {
            case BOOLEAN -> 1;
            case FLOAT -> 4;
            case DOUBLE -> 8;
            case FIXED -> s.getFixedSize();
            default -> 0;
        };
    }

    private void skip(int n, String what) {
        if (n > left()) {
            throw bad("a " + what + " of " + n + " bytes, with " + left() + " bytes left");
        }
        pos += n;
    }

    /** A zig-zag varint of at most 10 bytes. */
    private long varint(String what) {
        long raw = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (pos >= bytes.length) {
                throw bad("the data ends inside a " + what);
            }
            int b = bytes[pos++] & 0xFF;
            raw |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw bad("a " + what + " longer than 10 bytes");
    }

    private static InvalidRecordException bad(String what) {
        return new InvalidRecordException(DeadLetterReason.UNDECODABLE, "corrupt Avro: " + what);
    }
}
