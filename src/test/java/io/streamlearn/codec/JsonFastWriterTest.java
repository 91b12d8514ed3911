package io.streamlearn.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A scored event is the same bytes whether the fast writer or Jackson's generator writes it. */
class JsonFastWriterTest {

    private static double value(SplittableRandom r) {
        return switch (r.nextInt(7)) {
            case 0 -> Double.longBitsToDouble(r.nextLong());
            case 1 -> r.nextInt(-3, 4);
            case 2 -> r.nextBoolean() ? -0.0 : Double.MIN_VALUE;
            case 3 -> r.nextBoolean() ? Double.NaN : Double.NEGATIVE_INFINITY;
            case 4 -> 1 / (1 + Math.exp(-r.nextGaussian() * 10));
            default -> r.nextGaussian() * Math.pow(10, r.nextInt(-30, 30));
        };
    }

    private static String string(SplittableRandom r) {
        return switch (r.nextInt(12)) {
            case 0 -> null;
            case 1 -> "caf\u00e9";
            case 2 -> "quote\"d";
            case 3 -> "back\\slash";
            case 4 -> "tab\there";
            case 5 -> "\u007f";
            case 6 -> "";
            case 7 -> "\ud83d\ude00";
            default -> "e-" + r.nextInt(1_000_000) + (r.nextBoolean() ? "/x y~" : "");
        };
    }

    @Test
    void everyEventIsWrittenAsTheGeneratorWritesIt() {
        JsonPredictionCodec codec = new JsonPredictionCodec();
        int fast = 0;
        for (int seed = 1; seed <= 20; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            for (int i = 0; i < 3_000; i++) {
                double[] output = new double[r.nextInt(0, 12)];
                for (int k = 0; k < output.length; k++) {
                    output[k] = value(r);
                }
                String model = r.nextInt(20) == 0 ? string(r) : "model-" + r.nextInt(5);
                if (model == null) {
                    model = "m";
                }
                ScoredEvent s = new ScoredEvent(string(r), model, r.nextInt(3) == 0 ? r.nextLong() : r.nextInt(1000),
                        output, r.nextInt(3) - 1, r.nextBoolean() ? r.nextLong() : 1_764_300_000_000L + r.nextInt());
                byte[] expected = codec.encodeWithJackson(s);
                assertArrayEquals(expected, codec.encode(s), () -> new String(expected, StandardCharsets.UTF_8));
                fast += new JsonFastWriter().prediction(s) != null ? 1 : 0;
            }
        }
        org.junit.jupiter.api.Assertions.assertTrue(fast > 10_000, "events the fast writer wrote (random ones often hold NaN or strings to escape): " + fast + " of 60000");
    }

    @Test
    void whatNeedsEscapingOrQuotingIsLeftToTheGenerator() {
        JsonFastWriter w = new JsonFastWriter();
        double[] out = {0.5};
        assertNotNull(w.prediction(new ScoredEvent("e-1", "m", 1, out, 1, 2)));
        assertNull(w.prediction(new ScoredEvent("caf\u00e9", "m", 1, out, 1, 2)));
        assertNull(w.prediction(new ScoredEvent("a\"b", "m", 1, out, 1, 2)));
        assertNull(w.prediction(new ScoredEvent("e", "m", 1, new double[] {Double.NaN}, 1, 2)));
    }
}
