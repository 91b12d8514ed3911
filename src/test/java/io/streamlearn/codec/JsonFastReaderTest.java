package io.streamlearn.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.core.io.NumberOutput;
import io.streamlearn.model.Label;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The fast reader may only ever be faster: for any bytes, decoding gives what Jackson alone gives
 * (the same fields, the same bits) or fails with the same reason and message. Random records in
 * every layout, then each broken at random, over many seeds.
 */
class JsonFastReaderTest {
    private static final int MAX_FEATURES = 6;

    /** What a decode came to: the value as text (doubles as their bits), or the failure. */
    private static String outcome(Function<byte[], Object> decode, byte[] bytes) {
        try {
            Object v = decode.apply(bytes);
            if (v instanceof LabeledExample e) {
                String label = e.label() instanceof Label.Vector lv ? bits(lv.target())
                        : Long.toHexString(Double.doubleToRawLongBits(((Label.Scalar) e.label()).value()));
                return "example " + e.id() + " " + e.model() + " " + bits(e.features()) + " " + label;
            }
            Event ev = (Event) v;
            return "event " + ev.id() + " " + ev.model() + " " + bits(ev.features());
        } catch (InvalidRecordException bad) {
            return "refused " + bad.reason() + ": " + bad.detail();
        }
    }

    private static String bits(double[] v) {
        return Arrays.toString(Arrays.stream(v).mapToLong(Double::doubleToRawLongBits).toArray());
    }

    private static String number(SplittableRandom r) {
        double d = switch (r.nextInt(6)) {
            case 0 -> Double.longBitsToDouble(r.nextLong());
            case 1 -> r.nextInt(-3, 4);
            case 2 -> -0.0;
            default -> r.nextGaussian() * Math.pow(10, r.nextInt(-12, 12));
        };
        if (!Double.isFinite(d)) {
            return r.nextBoolean() ? "NaN" : "-Infinity";
        }
        return switch (r.nextInt(5)) {
            case 0 -> Double.toString(d);
            case 1 -> d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : NumberOutput.toString(d, true);
            case 2 -> new java.math.BigDecimal(d).round(new java.math.MathContext(r.nextInt(1, 24))).toString();
            case 3 -> "-0";
            default -> NumberOutput.toString(d, true);
        };
    }

    private static String ws(SplittableRandom r) {
        return switch (r.nextInt(8)) {
            case 0 -> " ";
            case 1 -> "\n  ";
            case 2 -> "\t\r\n";
            default -> "";
        };
    }

    private static String array(SplittableRandom r, int n) {
        StringBuilder b = new StringBuilder("[").append(ws(r));
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : "," + ws(r)).append(number(r)).append(ws(r));
        }
        return b.append(']').toString();
    }

    private static String string(SplittableRandom r) {
        return switch (r.nextInt(10)) {
            case 0 -> "null";
            case 1 -> "\"caf\u00e9\"";
            case 2 -> "\"tab\\there\"";
            case 3 -> "\"\\u0041\"";
            case 4 -> Integer.toString(r.nextInt(100));
            case 5 -> "\"\"";
            default -> "\"e-" + r.nextInt(1_000_000) + "\"";
        };
    }

    /** A record of some of the known fields (and sometimes others), in random order and spacing. */
    private static String record(SplittableRandom r, boolean labeled) {
        List<String> fields = new ArrayList<>();
        if (r.nextInt(4) > 0) {
            fields.add("\"id\"" + ws(r) + ":" + ws(r) + string(r));
        }
        if (r.nextInt(3) == 0) {
            fields.add("\"model\":" + ws(r) + string(r));
        }
        if (r.nextInt(20) > 0) {
            fields.add("\"features\":" + array(r, r.nextInt(0, MAX_FEATURES + 2)));
        }
        if (labeled && r.nextInt(20) > 0) {
            fields.add("\"label\":" + switch (r.nextInt(6)) {
                case 0 -> array(r, r.nextInt(1, 4));
                case 1 -> "null";
                default -> number(r);
            });
        }
        if (r.nextInt(10) == 0) {
            fields.add("\"extra\":" + (r.nextBoolean() ? "{\"a\":[1,2]}" : "\"x\""));
        }
        if (r.nextInt(15) == 0 && !fields.isEmpty()) {
            fields.add(fields.get(0)); // a duplicate field
        }
        java.util.Collections.shuffle(fields, new java.util.Random(r.nextLong()));
        return ws(r) + "{" + ws(r) + String.join("," + ws(r), fields) + ws(r) + "}" + ws(r);
    }

    /** The record broken one way: cut short, a byte changed, dropped or doubled, trailing text. */
    private static byte[] broken(SplittableRandom r, byte[] b) {
        if (b.length == 0) {
            return b;
        }
        int i = r.nextInt(b.length);
        return switch (r.nextInt(5)) {
            case 0 -> Arrays.copyOf(b, i);
            case 1 -> {
                byte[] c = b.clone();
                String swaps = "{}[]\",:0-.e \\xn\u0000";
                c[i] = (byte) swaps.charAt(r.nextInt(swaps.length()));
                yield c;
            }
            case 2 -> {
                byte[] c = new byte[b.length - 1];
                System.arraycopy(b, 0, c, 0, i);
                System.arraycopy(b, i + 1, c, i, b.length - i - 1);
                yield c;
            }
            case 3 -> {
                byte[] c = new byte[b.length + 1];
                System.arraycopy(b, 0, c, 0, i + 1);
                System.arraycopy(b, i, c, i + 1, b.length - i);
                yield c;
            }
            default -> (new String(b, StandardCharsets.UTF_8) + (r.nextBoolean() ? "x" : "{}")).getBytes(StandardCharsets.UTF_8);
        };
    }

    @Test
    void examplesDecodeAsJacksonDecodesThemWhateverTheBytes() {
        JsonExampleCodec codec = new JsonExampleCodec(MAX_FEATURES);
        int fast = 0;
        for (int seed = 1; seed <= 20; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            for (int i = 0; i < 1_500; i++) {
                byte[] whole = record(r, true).getBytes(StandardCharsets.UTF_8);
                for (byte[] b : new byte[][] {whole, broken(r, whole)}) {
                    String s = new String(b, StandardCharsets.UTF_8);
                    assertEquals(outcome(codec::decodeWithJackson, b), outcome(codec::decode, b), s);
                    fast += new JsonFastReader().example(b, MAX_FEATURES) != null ? 1 : 0;
                }
            }
        }
        // Random records often hold what the fast path leaves to Jackson (NaN, escapes, other fields):
        // enough of them must take it for the comparison to test it.
        assertEquals(true, fast > 10_000, "records that took the fast path: " + fast + " of 60000");
    }

    @Test
    void eventsDecodeAsJacksonDecodesThemWhateverTheBytes() {
        JsonEventCodec codec = new JsonEventCodec(MAX_FEATURES);
        for (int seed = 1; seed <= 20; seed++) {
            SplittableRandom r = new SplittableRandom(100 + seed);
            for (int i = 0; i < 1_000; i++) {
                byte[] whole = record(r, r.nextInt(4) == 0).getBytes(StandardCharsets.UTF_8);
                for (byte[] b : new byte[][] {whole, broken(r, whole)}) {
                    assertEquals(outcome(codec::decodeWithJackson, b), outcome(codec::decode, b), new String(b, StandardCharsets.UTF_8));
                }
            }
        }
    }

    /** What the codecs themselves write is read by the fast path, not left to Jackson. */
    @Test
    void recordsAsTheCodecsWriteThemTakeTheFastPath() {
        SplittableRandom r = new SplittableRandom(7);
        double[] x = r.doubles(MAX_FEATURES).map(v -> v * 1e3 - 500).toArray();
        JsonExampleCodec examples = new JsonExampleCodec(MAX_FEATURES);
        JsonEventCodec events = new JsonEventCodec(MAX_FEATURES);
        JsonFastReader fast = new JsonFastReader();
        assertNotNull(fast.example(examples.encode(LabeledExample.of("p-1", "m", x, 1)), MAX_FEATURES));
        assertNotNull(fast.example(examples.encode(LabeledExample.of(null, null, x, new double[] {0, 1})), MAX_FEATURES));
        assertNotNull(fast.event(events.encode(new Event("e-1", null, x)), MAX_FEATURES));
        assertNull(fast.event("{\"id\":\"caf\u00e9\",\"features\":[1]}".getBytes(StandardCharsets.UTF_8), MAX_FEATURES),
                "non-ASCII strings are Jackson's");
    }
}
