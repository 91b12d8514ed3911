package io.streamlearn.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.model.Label;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonCodecsTest {
    private final JsonExampleCodec examples = new JsonExampleCodec(4);
    private final JsonEventCodec events = new JsonEventCodec(4);

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The fast number codecs must stay exact: every double written is read back bit for bit. */
    @Test
    void doublesRoundTripBitForBit() {
        JsonEventCodec wide = new JsonEventCodec(10_000);
        java.util.SplittableRandom r = new java.util.SplittableRandom(42);
        double[] x = new double[5_000];
        double[] special = {0.1, 1.0 / 3, -0.0, Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE, 1e-310, 9007199254740993.0,
                2.2250738585072011e-308, 5e-324, 1.7976931348623157e308, 123456789.123456789};
        for (int i = 0; i < x.length; i++) {
            double v = i < special.length ? special[i] : Double.longBitsToDouble(r.nextLong());
            x[i] = Double.isFinite(v) ? v : r.nextGaussian() * Math.pow(10, r.nextInt(-300, 300));
        }
        double[] back = wide.decode(wide.encode(new Event("e", "m", x))).features();
        for (int i = 0; i < x.length; i++) {
            assertEquals(Double.doubleToRawLongBits(x[i]), Double.doubleToRawLongBits(back[i]), "value " + i + ": " + x[i]);
        }
    }

    /** The codec reuses one generator and one number buffer: each record must still stand alone. */
    @Test
    void consecutiveRecordsAreIndependentEvenAfterAFailedEncode() {
        JsonPredictionCodec codec = new JsonPredictionCodec();
        ScoredEvent first = new ScoredEvent("a", "m", 1, new double[] {0.25, 0.75}, 1, 10);
        ScoredEvent second = new ScoredEvent(null, "m", 2, new double[] {0.5}, 0, 20);
        byte[] a = codec.encode(first);
        byte[] b = codec.encode(second);
        assertEquals("{\"id\":\"a\",\"model\":\"m\",\"version\":1,\"output\":[0.25,0.75],\"label\":1,\"timestamp\":10}",
                new String(a, StandardCharsets.UTF_8));
        assertEquals("{\"model\":\"m\",\"version\":2,\"output\":[0.5],\"label\":0,\"timestamp\":20}",
                new String(b, StandardCharsets.UTF_8));
        // A value that fails half-way (no output array) must not leave its half in the next record.
        assertThrows(NullPointerException.class, () -> codec.encode(new ScoredEvent("x", "m", 3, null, 0, 30)));
        assertArrayEquals(a, codec.encode(first));
        // Decoding through the shared buffer: a long array, then a short one, each exact.
        assertArrayEquals(new double[] {0.25, 0.75}, codec.decode(a).output());
        assertArrayEquals(new double[] {0.5}, codec.decode(b).output());
        JsonEventCodec wide = new JsonEventCodec(100);
        assertEquals(40, wide.decode(utf8("{\"features\": [" + "1,".repeat(39) + "1]}")).features().length);
        assertArrayEquals(new double[] {2, 3}, wide.decode(utf8("{\"features\": [2, 3]}")).features());
    }

    @Test
    void readsTheDocumentedExampleShape() {
        LabeledExample e = examples.decode(utf8("{\"id\": \"e1\", \"model\": \"default\", \"features\": [0.5, 1.2], \"label\": 1}"));
        assertEquals("e1", e.id());
        assertEquals("default", e.model());
        assertArrayEquals(new double[] {0.5, 1.2}, e.features());
        assertEquals(Label.of(1.0), e.label());
        assertInstanceOf(Label.Scalar.class, e.label());
    }

    @Test
    void idAndModelAreOptionalAndUnknownFieldsIgnored() {
        LabeledExample e = examples.decode(utf8("{\"features\": [1, 2], \"label\": 0, \"extra\": {\"a\": [1]}}"));
        assertNull(e.id());
        assertNull(e.model());
        assertEquals(Label.of(0.0), e.label());
    }

    @Test
    void vectorLabels() {
        LabeledExample e = examples.decode(utf8("{\"features\": [1], \"label\": [0.25, -3]}"));
        assertArrayEquals(new double[] {0.25, -3}, ((Label.Vector) e.label()).target());
    }

    @Test
    void roundTripIsExact() {
        LabeledExample e = LabeledExample.of("x", "m", new double[] {0.1, 1e-300, -7.123456789012345, Math.PI}, 1);
        LabeledExample back = examples.decode(examples.encode(e));
        assertArrayEquals(e.features(), back.features());
        assertEquals(e.label(), back.label());
        assertEquals("m", back.model());
    }

    @Test
    void nanIsReadSoThatValidationCanNameIt() {
        LabeledExample e = examples.decode(utf8("{\"features\": [NaN, 1], \"label\": 1}"));
        assertTrue(Double.isNaN(e.features()[0]));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"features\": [1, 2], \"label\": |UNDECODABLE",
            "not json at all|UNDECODABLE",
            "[1, 2]|UNDECODABLE",
            "{\"label\": 1}|MISSING_FIELD",
            "{\"features\": [1, 2]}|MISSING_FIELD",
            "{\"features\": [1, \"a\"], \"label\": 1}|UNDECODABLE",
            "{\"features\": 3, \"label\": 1}|UNDECODABLE",
            "{\"features\": [1, 2, 3, 4, 5], \"label\": 1}|TOO_MANY_FEATURES",
            "{\"features\": [1], \"label\": \"cat\"}|UNDECODABLE",
            "{\"features\": [1], \"label\": 1} trailing|UNDECODABLE",
    })
    void badExamplesNameTheirReason(String json, DeadLetterReason reason) {
        InvalidRecordException e = assertThrows(InvalidRecordException.class, () -> examples.decode(utf8(json)));
        assertEquals(reason, e.reason(), e.detail());
    }

    @Test
    void eventsRoundTrip() {
        Event e = events.decode(utf8("{\"id\": \"e2\", \"model\": \"default\", \"features\": [0.5, 1.2]}"));
        assertEquals("e2", e.id());
        assertArrayEquals(new double[] {0.5, 1.2}, events.decode(events.encode(e)).features());
        assertEquals(DeadLetterReason.MISSING_FIELD,
                assertThrows(InvalidRecordException.class, () -> events.decode(utf8("{\"id\": 1}"))).reason());
    }

    @Test
    void scoredEventHasTheDocumentedShape() {
        JsonPredictionCodec codec = new JsonPredictionCodec();
        byte[] json = codec.encode(new ScoredEvent("e2", "default", 12, new double[] {0.93}, 1, 1764300000000L));
        assertEquals("{\"id\":\"e2\",\"model\":\"default\",\"version\":12,\"output\":[0.93],\"label\":1,\"timestamp\":1764300000000}",
                new String(json, StandardCharsets.UTF_8));
        ScoredEvent back = codec.decode(json);
        assertEquals(12, back.version());
        assertEquals(1, back.label());
    }
}
