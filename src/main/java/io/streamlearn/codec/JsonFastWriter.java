package io.streamlearn.codec;

import com.fasterxml.jackson.core.io.NumberOutput;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes a scored event as the bytes Jackson's generator writes for it, without the generator:
 * scoring encodes one per event, and the generator's per-value bookkeeping (context checks,
 * separators, its own buffer) cost more than the numbers (a quarter of the scoring processor's
 * time in the profile). Numbers go through Jackson's own number writers ({@link NumberOutput},
 * the shortest round-trip form for doubles, as the generator with the fast writer on), so the
 * digits are the same. A string that needs escaping or a non-finite output — which the generator
 * escapes or quotes — is not written here: the answer is null and the codec uses the generator.
 * {@code JsonFastWriterTest} compares the bytes of both for random events. Thread-confined.
 */
final class JsonFastWriter {
    private static final byte[] ID = "{\"id\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MODEL_FIRST = "{\"model\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MODEL = "\",\"model\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] VERSION = "\",\"version\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OUTPUT = ",\"output\":[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LABEL = "],\"label\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TIMESTAMP = ",\"timestamp\":".getBytes(StandardCharsets.US_ASCII);

    private byte[] buf = new byte[256];
    private int n;

    /** {@code {"id":…,"model":…,"version":…,"output":[…],"label":…,"timestamp":…}}, or null when the generator must write it. */
    byte[] prediction(ScoredEvent s) {
        if (s.model() == null || s.output() == null || !plain(s.id()) || !plain(s.model())) {
            return null;
        }
        for (double v : s.output()) {
            if (!Double.isFinite(v)) {
                return null;
            }
        }
        n = 0;
        if (s.id() != null) {
            bytes(ID);
            ascii(s.id());
            bytes(MODEL);
        } else {
            bytes(MODEL_FIRST);
        }
        ascii(s.model());
        bytes(VERSION);
        number(s.version());
        bytes(OUTPUT);
        double[] out = s.output();
        for (int i = 0; i < out.length; i++) {
            if (i > 0) {
                room(1);
                buf[n++] = ',';
            }
            ascii(NumberOutput.toString(out[i], true));
        }
        bytes(LABEL);
        number(s.label());
        bytes(TIMESTAMP);
        number(s.timestamp());
        room(1);
        buf[n++] = '}';
        return Arrays.copyOf(buf, n);
    }

    /** Whether the generator writes {@code s} as it is, between quotes: printable ASCII but for '"' and '\'. */
    private static boolean plain(String s) {
        if (s == null) {
            return true;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    private void ascii(String s) {
        int len = s.length();
        room(len);
        for (int i = 0; i < len; i++) {
            buf[n++] = (byte) s.charAt(i); // ASCII only (checked): one byte per char
        }
    }

    private void bytes(byte[] b) {
        room(b.length);
        System.arraycopy(b, 0, buf, n, b.length);
        n += b.length;
    }

    private void number(long v) {
        room(20);
        n = NumberOutput.outputLong(v, buf, n);
    }

    private void room(int more) {
        if (n + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(2 * buf.length, n + more));
        }
    }
}
