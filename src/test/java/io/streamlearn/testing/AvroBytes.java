package io.streamlearn.testing;

import java.util.Arrays;

/** Hand-built Avro bytes for tests that must write what no encoder would (lengths the body cannot hold). */
public final class AvroBytes {
    private AvroBytes() {
    }

    /** A zig-zag varint, as Avro writes lengths and counts. */
    public static byte[] varint(long n) {
        long z = (n << 1) ^ (n >> 63);
        byte[] out = new byte[10];
        int i = 0;
        while ((z & ~0x7FL) != 0) {
            out[i++] = (byte) ((z & 0x7F) | 0x80);
            z >>>= 7;
        }
        out[i++] = (byte) z;
        return Arrays.copyOf(out, i);
    }

    public static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
