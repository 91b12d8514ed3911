package io.streamlearn.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The hot Avro records, read and written straight between bytes and arrays: an event's body
 * ({@code id}, {@code model}: null or string; {@code features}: array of double), a labeled
 * example's (the same, then {@code label}: a double or an array of double) and a scored event's. Avro's reader boxes every double into a {@code List<Double>} that is then copied out,
 * and its writer walks the schema per field; here the binary encoding is read and written as the
 * Avro specification lays it out. Only the current schema's records, with ASCII strings, varints
 * in their short forms and counts within the limit, are handled: for anything else (another schema
 * version, a corrupt body, a feature vector over the limit) the answer is null and the codec uses
 * Avro, which gives the same value or the same error as before. {@code AvroFastPathTest} compares
 * both ways, bytes and values, on random and corrupted records. Thread-confined.
 */
final class AvroFastPath {
    /** C3 01 and the 8-byte fingerprint. */
    private static final int HEADER = 10;

    /** The single-object header of the codec's current schema: records with another are Avro's. */
    private final byte[] header;
    private double[] scratch = new double[16];
    private byte[] out = new byte[256];
    private int n;
    private byte[] b;
    private int p;
    /** Varints longer than this are left to Avro: no record of ours needs one. */
    private static final int MAX_VARINT_BYTES = 4;

    AvroFastPath(byte[] header) {
        this.header = header;
    }

    /** The event, or null when Avro should read it. */
    Event event(byte[] bytes, int maxFeatures) {
        if (!startBody(bytes)) {
            return null;
        }
        try {
            String id = nullableString();
            String model = nullableString();
            double[] features = doubles(maxFeatures);
            return features == null ? null : new Event(id, model, features);
        } catch (IndexOutOfBoundsException | NotFast e) {
            return null;
        } finally {
            b = null;
        }
    }

    /** The labeled example, or null when Avro should read it. */
    LabeledExample example(byte[] bytes, int maxFeatures) {
        if (!startBody(bytes)) {
            return null;
        }
        try {
            String id = nullableString();
            String model = nullableString();
            double[] features = doubles(maxFeatures);
            long branch = varint();
            if (branch == 0) {
                if (8 > b.length - p) {
                    throw NOT_FAST;
                }
                double label = Double.longBitsToDouble(littleEndianLong(p));
                p += 8;
                return LabeledExample.of(id, model, features, label);
            }
            if (branch != 1) {
                throw NOT_FAST;
            }
            // Avro reads a label vector of any length; the check on its length is the model's.
            return LabeledExample.of(id, model, features, doubles(Integer.MAX_VALUE));
        } catch (IndexOutOfBoundsException | NotFast e) {
            return null;
        } finally {
            b = null;
        }
    }

    /** Positions the reader after the single-object header; false when the record is not of the current schema. */
    private boolean startBody(byte[] bytes) {
        if (bytes == null || bytes.length < HEADER || !Arrays.equals(bytes, 0, HEADER, header, 0, HEADER)) {
            return false;
        }
        b = bytes;
        p = HEADER;
        return true;
    }

    /** Stackless: where a record leaves the fast path. */
    private static final class NotFast extends RuntimeException {
        NotFast() {
            super(null, null, false, false);
        }
    }

    private static final NotFast NOT_FAST = new NotFast();

    private String nullableString() {
        long branch = varint();
        if (branch == 0) {
            return null;
        }
        if (branch != 1) {
            throw NOT_FAST;
        }
        long len = varint();
        if (len < 0 || len > b.length - p) {
            throw NOT_FAST;
        }
        int end = p + (int) len;
        for (int i = p; i < end; i++) {
            if (b[i] < 0) {
                throw NOT_FAST; // non-ASCII: Avro decodes it
            }
        }
        String s = new String(b, p, (int) len, StandardCharsets.ISO_8859_1);
        p = end;
        return s;
    }

    private double[] doubles(int limit) {
        double[] buf = scratch;
        int count = 0;
        while (true) {
            long block = varint();
            if (block == 0) {
                return Arrays.copyOf(buf, count);
            }
            if (block < 0) {
                block = -block;
                long size = varint(); // for skipping: not needed to read the block, but checked as Avro's path checks it
                if (size < 0 || size > b.length - p) {
                    throw NOT_FAST;
                }
            }
            if (block > limit - count || block * 8 > b.length - p) {
                throw NOT_FAST;
            }
            if (count + block > buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.max(count + block, 2L * buf.length));
                scratch = buf;
            }
            for (int i = 0; i < block; i++) {
                buf[count++] = Double.longBitsToDouble(littleEndianLong(p));
                p += 8;
            }
        }
    }

    private long littleEndianLong(int at) {
        return (b[at] & 0xFFL) | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL) << 16 | (b[at + 3] & 0xFFL) << 24
                | (b[at + 4] & 0xFFL) << 32 | (b[at + 5] & 0xFFL) << 40 | (b[at + 6] & 0xFFL) << 48 | (b[at + 7] & 0xFFL) << 56;
    }

    /** A zig-zag varint of at most {@link #MAX_VARINT_BYTES} bytes. */
    private long varint() {
        long raw = 0;
        for (int i = 0; i < MAX_VARINT_BYTES; i++) {
            int v = b[p++] & 0xFF;
            raw |= (long) (v & 0x7F) << (7 * i);
            if ((v & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw NOT_FAST;
    }

    /** The scored event's single-object bytes, or null when Avro should write it (non-ASCII strings). */
    byte[] scored(ScoredEvent s) {
        if (s.model() == null || s.output() == null || !ascii(s.id()) || !ascii(s.model())) {
            return null;
        }
        n = 0;
        room(HEADER);
        System.arraycopy(header, 0, out, 0, HEADER);
        n = HEADER;
        if (s.id() == null) {
            writeVarint(0);
        } else {
            writeVarint(1);
            writeString(s.id());
        }
        writeString(s.model());
        writeVarint(s.version());
        double[] o = s.output();
        if (o.length > 0) {
            writeVarint(o.length);
            room(8 * o.length);
            for (double v : o) {
                long bits = Double.doubleToRawLongBits(v);
                for (int i = 0; i < 8; i++) {
                    out[n++] = (byte) (bits >>> (8 * i));
                }
            }
        }
        writeVarint(0);
        writeVarint(s.label());
        writeVarint(s.timestamp());
        return Arrays.copyOf(out, n);
    }

    private static boolean ascii(String s) {
        if (s == null) {
            return true;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7F) {
                return false;
            }
        }
        return true;
    }

    private void writeString(String s) {
        writeVarint(s.length());
        room(s.length());
        for (int i = 0; i < s.length(); i++) {
            out[n++] = (byte) s.charAt(i);
        }
    }

    private void writeVarint(long v) {
        room(10);
        long z = (v << 1) ^ (v >> 63);
        while ((z & ~0x7FL) != 0) {
            out[n++] = (byte) ((z & 0x7F) | 0x80);
            z >>>= 7;
        }
        out[n++] = (byte) z;
    }

    private void room(int more) {
        if (n + more > out.length) {
            out = Arrays.copyOf(out, Math.max(2 * out.length, n + more));
        }
    }
}
