package io.streamlearn.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

class AvroCodecsTest {
    private final AvroExampleCodec examples = new AvroExampleCodec(1000);

    @Test
    void singleObjectEncodingCarriesTheFingerprint() {
        byte[] bytes = examples.encode(Example.of("e1", "default", new double[] {0.5, 1.2}, 1));
        assertEquals((byte) 0xC3, bytes[0]);
        assertEquals((byte) 0x01, bytes[1]);
        long fp = SchemaNormalization.parsingFingerprint64(io.streamlearn.avro.LabeledExample.getClassSchema());
        for (int i = 0; i < 8; i++) {
            assertEquals((byte) (fp >>> (8 * i)), bytes[2 + i], "fingerprint byte " + i + " (little-endian)");
        }
    }

    @Test
    void roundTripIsBitExact() {
        double[] x = {Double.MIN_VALUE, -0.0, 1.0 / 3, 1e308};
        Example back = examples.decode(examples.encode(Example.of(null, null, x, 0)));
        for (int i = 0; i < x.length; i++) {
            assertEquals(Double.doubleToRawLongBits(x[i]), Double.doubleToRawLongBits(back.features()[i]));
        }
        Example vec = examples.decode(examples.encode(new Example("v", "m", x, Double.NaN, new double[] {1, 2})));
        assertArrayEquals(new double[] {1, 2}, vec.labelVector());
    }

    @Test
    void anEventIsNotAnExample() {
        byte[] event = new AvroEventCodec(10).encode(new UnlabeledEvent("e", null, new double[] {1}));
        assertEquals(DeadLetterReason.WRONG_SCHEMA,
                assertThrows(InvalidRecordException.class, () -> examples.decode(event)).reason());
    }

    @Test
    void truncatedAndForeignBytesAreUndecodable() {
        byte[] good = examples.encode(Example.of("e1", "default", new double[] {0.5, 1.2}, 1));
        for (int len : new int[] {0, 1, 5, 10, 12, good.length - 1}) {
            byte[] cut = Arrays.copyOf(good, len);
            InvalidRecordException e = assertThrows(InvalidRecordException.class, () -> examples.decode(cut), "length " + len);
            assertEquals(DeadLetterReason.UNDECODABLE, e.reason(), "length " + len + ": " + e.detail());
        }
        assertEquals(DeadLetterReason.UNDECODABLE, assertThrows(InvalidRecordException.class,
                () -> examples.decode("{\"features\":[1]}".getBytes())).reason());
    }

    @Test
    void aHugeArrayLengthIsRefusedWithoutAllocatingIt() {
        byte[] good = examples.encode(Example.of(null, null, new double[] {1}, 1));
        // Header (10 bytes), id union index 0 (null), model union index 0 (null), then the
        // array's block count: replace it by a zig-zag varint of about 2^31.
        byte[] head = Arrays.copyOf(good, 12);
        byte[] huge = {(byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0x0F};
        byte[] evil = new byte[head.length + huge.length];
        System.arraycopy(head, 0, evil, 0, head.length);
        System.arraycopy(huge, 0, evil, head.length, huge.length);
        InvalidRecordException e = assertThrows(InvalidRecordException.class, () -> examples.decode(evil));
        assertEquals(DeadLetterReason.UNDECODABLE, e.reason(), e.detail());
    }

    @Test
    void tooManyFeatures() {
        AvroExampleCodec small = new AvroExampleCodec(2);
        byte[] bytes = examples.encode(Example.of(null, null, new double[] {1, 2, 3}, 1));
        assertEquals(DeadLetterReason.TOO_MANY_FEATURES,
                assertThrows(InvalidRecordException.class, () -> small.decode(bytes)).reason());
    }

    @Test
    void predictionsRoundTrip() {
        AvroPredictionCodec codec = new AvroPredictionCodec();
        Prediction p = new Prediction("e", "m", 3, new double[] {0.1, 0.9}, 1, 42L);
        Prediction back = codec.decode(codec.encode(p));
        assertEquals(p.id(), back.id());
        assertArrayEquals(p.output(), back.output());
        assertEquals(3, back.version());
        assertEquals(42L, back.timestamp());
    }
}
