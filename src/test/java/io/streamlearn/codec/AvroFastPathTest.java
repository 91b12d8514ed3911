package io.streamlearn.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Scoring's Avro records read and written without Avro's reader and writer: the same values and
 * the same bytes as Avro's, for random records and for records broken at random, whose errors
 * must stay Avro's.
 */
class AvroFastPathTest {
    private static final int MAX_FEATURES = 8;

    private static double value(SplittableRandom r) {
        return switch (r.nextInt(5)) {
            case 0 -> Double.longBitsToDouble(r.nextLong());
            case 1 -> -0.0;
            case 2 -> Double.NaN;
            default -> r.nextGaussian();
        };
    }

    private static String string(SplittableRandom r) {
        return switch (r.nextInt(8)) {
            case 0 -> null;
            case 1 -> "caf\u00e9";
            case 2 -> "";
            case 3 -> "x".repeat(r.nextInt(200));
            default -> "e-" + r.nextInt(1_000_000);
        };
    }

    private static String outcome(AvroEventCodec codec, byte[] b, boolean avroOnly) {
        try {
            Event e = avroOnly ? codec.decodeWithAvro(b) : codec.decode(b);
            return e.id() + " " + e.model() + " " + Arrays.toString(Arrays.stream(e.features()).mapToLong(Double::doubleToRawLongBits).toArray());
        } catch (InvalidRecordException bad) {
            return "refused " + bad.reason() + ": " + bad.detail();
        }
    }

    /** Avro's own writer, block by block when asked: a reader must take any blocking a writer may choose. */
    private static byte[] event(SplittableRandom r, String id, String model, double[] x) {
        AvroEventCodec codec = new AvroEventCodec(1000);
        byte[] avro = codec.encode(new Event(id, model, x));
        if (x.length < 2 || r.nextInt(3) > 0) {
            return avro;
        }
        // The same record with the array in two blocks, the second with its byte size (negative count).
        int head = avro.length - 1 - 8 * x.length - 1; // where the array's count starts (count < 64: one byte)
        byte[] out = Arrays.copyOf(avro, head);
        int first = x.length / 2;
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.writeBytes(out);
        b.writeBytes(io.streamlearn.testing.AvroBytes.varint(first));
        b.write(avro, head + 1, 8 * first);
        b.writeBytes(io.streamlearn.testing.AvroBytes.varint(-(x.length - first)));
        b.writeBytes(io.streamlearn.testing.AvroBytes.varint(8L * (x.length - first)));
        b.write(avro, head + 1 + 8 * first, 8 * (x.length - first));
        b.write(0);
        return b.toByteArray();
    }

    @Test
    void eventsReadAsAvroReadsThemWhateverTheBytes() {
        AvroEventCodec codec = new AvroEventCodec(MAX_FEATURES);
        int fast = 0;
        for (int seed = 1; seed <= 20; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            for (int i = 0; i < 2_000; i++) {
                double[] x = new double[r.nextInt(0, MAX_FEATURES + 3)];
                for (int k = 0; k < x.length; k++) {
                    x[k] = value(r);
                }
                byte[] whole = event(r, string(r), r.nextInt(4) == 0 ? string(r) : null, x);
                byte[] broken = whole.clone();
                if (broken.length > 10) {
                    int at = 10 + r.nextInt(broken.length - 10);
                    broken = r.nextBoolean() ? Arrays.copyOf(broken, at) : broken;
                    if (broken.length == whole.length) {
                        broken[at] = (byte) r.nextInt(256);
                    }
                }
                for (byte[] b : List.of(whole, broken)) {
                    assertEquals(outcome(codec, b, true), outcome(codec, b, false));
                    fast += new AvroFastPath(AvroSingleObject.of(io.streamlearn.avro.Event.getClassSchema()).header())
                            .event(b, MAX_FEATURES) != null ? 1 : 0;
                }
            }
        }
        assertTrue(fast > 20_000, "records read by the fast path: " + fast + " of 80000");
    }

    private static String exampleOutcome(AvroExampleCodec codec, byte[] b, boolean avroOnly) {
        try {
            LabeledExample e = avroOnly ? codec.decodeWithAvro(b) : codec.decode(b);
            double[] label = e.label() instanceof io.streamlearn.model.Label.Vector v ? v.target()
                    : new double[] {((io.streamlearn.model.Label.Scalar) e.label()).value()};
            return e.id() + " " + e.model() + " " + Arrays.toString(Arrays.stream(e.features()).mapToLong(Double::doubleToRawLongBits).toArray())
                    + " " + e.label().getClass().getSimpleName() + Arrays.toString(Arrays.stream(label).mapToLong(Double::doubleToRawLongBits).toArray());
        } catch (InvalidRecordException bad) {
            return "refused " + bad.reason() + ": " + bad.detail();
        }
    }

    @Test
    void examplesReadAsAvroReadsThemWhateverTheBytes() {
        AvroExampleCodec codec = new AvroExampleCodec(MAX_FEATURES);
        AvroFastPath fastPath = new AvroFastPath(AvroSingleObject.of(io.streamlearn.avro.LabeledExample.getClassSchema()).header());
        int fast = 0;
        for (int seed = 1; seed <= 10; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            for (int i = 0; i < 2_000; i++) {
                double[] x = new double[r.nextInt(0, MAX_FEATURES + 3)];
                for (int k = 0; k < x.length; k++) {
                    x[k] = value(r);
                }
                LabeledExample e;
                if (r.nextBoolean()) {
                    e = LabeledExample.of(string(r), r.nextInt(4) == 0 ? string(r) : null, x, value(r));
                } else {
                    double[] target = new double[r.nextInt(0, 5)];
                    for (int k = 0; k < target.length; k++) {
                        target[k] = value(r);
                    }
                    e = LabeledExample.of(string(r), null, x, target);
                }
                byte[] whole = new AvroExampleCodec(1000).encode(e);
                byte[] broken = whole.clone();
                if (broken.length > 10) {
                    int at = 10 + r.nextInt(broken.length - 10);
                    broken = r.nextBoolean() ? Arrays.copyOf(broken, at) : broken;
                    if (broken.length == whole.length) {
                        broken[at] = (byte) r.nextInt(256);
                    }
                }
                for (byte[] b : List.of(whole, broken)) {
                    assertEquals(exampleOutcome(codec, b, true), exampleOutcome(codec, b, false));
                    fast += fastPath.example(b, MAX_FEATURES) != null ? 1 : 0;
                }
            }
        }
        assertTrue(fast > 10_000, "records read by the fast path: " + fast + " of 40000");
    }

    @Test
    void scoredEventsAreAvrosBytes() {
        AvroPredictionCodec codec = new AvroPredictionCodec();
        for (int seed = 1; seed <= 20; seed++) {
            SplittableRandom r = new SplittableRandom(100 + seed);
            for (int i = 0; i < 2_000; i++) {
                double[] out = new double[r.nextInt(0, 12)];
                for (int k = 0; k < out.length; k++) {
                    out[k] = value(r);
                }
                String model = string(r);
                ScoredEvent s = new ScoredEvent(string(r), model == null ? "m" : model,
                        r.nextBoolean() ? r.nextLong() : r.nextInt(100), out, r.nextBoolean() ? r.nextInt() : r.nextInt(3),
                        r.nextBoolean() ? r.nextLong() : 1_764_300_000_000L + r.nextInt());
                assertArrayEquals(codec.encodeWithAvro(s), codec.encode(s), s.toString());
            }
        }
        assertNotNull(new AvroFastPath(AvroSingleObject.of(io.streamlearn.avro.ScoredEvent.getClassSchema()).header())
                .scored(new ScoredEvent("e", "m", 1, new double[] {0.5}, 1, 2)));
    }
}
