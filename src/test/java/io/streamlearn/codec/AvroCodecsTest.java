package io.streamlearn.codec;

import static io.streamlearn.testing.AvroBytes.concat;
import static io.streamlearn.testing.AvroBytes.varint;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.model.Label;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

class AvroCodecsTest {
    private final AvroExampleCodec examples = new AvroExampleCodec(1000);

    @Test
    void singleObjectEncodingCarriesTheFingerprint() {
        byte[] bytes = examples.encode(LabeledExample.of("e1", "default", new double[] {0.5, 1.2}, 1));
        assertEquals((byte) 0xC3, bytes[0]);
        assertEquals((byte) 0x01, bytes[1]);
        long fp = SchemaNormalization.parsingFingerprint64(io.streamlearn.avro.LabeledExample.getClassSchema());
        for (int i = 0; i < 8; i++) {
            assertEquals((byte) (fp >>> (8 * i)), bytes[2 + i], "fingerprint byte " + i + " (little-endian)");
        }
    }

    /** The codec writes and reads the body itself; its bytes must be exactly Avro's message encoding. */
    @Test
    void bytesAreAvrosOwnSingleObjectEncodingBothWays() throws Exception {
        AvroPredictionCodec codec = new AvroPredictionCodec();
        org.apache.avro.message.BinaryMessageEncoder<io.streamlearn.avro.ScoredEvent> avros =
                io.streamlearn.avro.ScoredEvent.getEncoder();
        for (int i = 0; i < 3; i++) {
            ScoredEvent p = new ScoredEvent(i == 1 ? null : "e" + i, "m", 10L * i, new double[] {0.25 * i, -1.0 / 3}, i % 2, 1764300000000L + i);
            io.streamlearn.avro.ScoredEvent record = new io.streamlearn.avro.ScoredEvent(p.id(), p.model(), p.version(),
                    List.of(p.output()[0], p.output()[1]), p.label(), p.timestamp());
            java.nio.ByteBuffer theirs = avros.encode(record);
            byte[] expected = new byte[theirs.remaining()];
            theirs.get(expected);
            byte[] ours = codec.encode(p);
            assertArrayEquals(expected, ours, "record " + i);
            assertEquals(record, io.streamlearn.avro.ScoredEvent.getDecoder().decode(ours));
            ScoredEvent back = codec.decode(expected);
            assertEquals(p.id(), back.id());
            assertEquals(p.version(), back.version());
            assertArrayEquals(p.output(), back.output());
        }
    }

    @Test
    void roundTripIsBitExact() {
        double[] x = {Double.MIN_VALUE, -0.0, 1.0 / 3, 1e308};
        LabeledExample back = examples.decode(examples.encode(LabeledExample.of(null, null, x, 0)));
        for (int i = 0; i < x.length; i++) {
            assertEquals(Double.doubleToRawLongBits(x[i]), Double.doubleToRawLongBits(back.features()[i]));
        }
        LabeledExample vec = examples.decode(examples.encode(LabeledExample.of("v", "m", x, new double[] {1, 2})));
        assertArrayEquals(new double[] {1, 2}, ((Label.Vector) vec.label()).target());
    }

    @Test
    void anEventIsNotAnExample() {
        byte[] event = new AvroEventCodec(10).encode(new Event("e", null, new double[] {1}));
        assertEquals(DeadLetterReason.WRONG_SCHEMA,
                assertThrows(InvalidRecordException.class, () -> examples.decode(event)).reason());
    }

    @Test
    void truncatedAndForeignBytesAreUndecodable() {
        byte[] good = examples.encode(LabeledExample.of("e1", "default", new double[] {0.5, 1.2}, 1));
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
        byte[] good = examples.encode(LabeledExample.of(null, null, new double[] {1}, 1));
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

    /** Bytes allocated by this thread while {@code r} runs (HotSpot's per-thread counter). */
    private static long allocatedBy(Runnable r) {
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        r.run();
        return mx.getCurrentThreadAllocatedBytes() - before;
    }

    private static InvalidRecordException refused(Codec<?> codec, byte[] bytes) {
        InvalidRecordException[] e = new InvalidRecordException[1];
        long allocated = allocatedBy(() -> e[0] = assertThrows(InvalidRecordException.class, () -> codec.decode(bytes)));
        assertTrue(allocated < 1_000_000, "allocated " + allocated + " bytes refusing it");
        return e[0];
    }

    @Test
    void hugeLengthsAnywhereAreRefusedWithoutAllocatingThem() {
        byte[] header = Arrays.copyOf(examples.encode(LabeledExample.of(null, null, new double[] {1}, 1)), 10);
        examples.decode(examples.encode(LabeledExample.of("warm", "up", new double[] {1, 2}, 1)));
        for (long n : new long[] {Integer.MAX_VALUE - 8, 500_000_000L, 100_000_000L, 1_000, Long.MAX_VALUE, -1_000}) {
            // features' block count: Avro itself does not allocate it, but the check stops it first.
            byte[] array = concat(header, new byte[] {0, 0}, varint(n), new byte[16]);
            // id is ["null", "string"]: branch 1, then a string length of n bytes (Avro would allocate it).
            byte[] id = concat(header, new byte[] {2}, varint(n), new byte[16]);
            // model, the same, after a null id.
            byte[] model = concat(header, new byte[] {0, 2}, varint(n), new byte[16]);
            // label ["double", array]: branch 1, then the vector's count.
            byte[] label = concat(header, new byte[] {0, 0, 2, 0, 0, 0, 0, 0, 0, (byte) 0xF0, 0x3F, 0, 2}, varint(n), new byte[16]);
            for (byte[] evil : List.of(array, id, model, label)) {
                InvalidRecordException e = refused(examples, evil);
                assertEquals(DeadLetterReason.UNDECODABLE, e.reason(), n + ": " + e.detail());
            }
        }
        AvroEventCodec events = new AvroEventCodec(1000);
        byte[] eventHeader = Arrays.copyOf(events.encode(new Event(null, null, new double[] {1})), 10);
        for (byte[] evil : List.of(concat(eventHeader, new byte[] {2}, varint(Integer.MAX_VALUE - 8), new byte[8]),
                concat(eventHeader, new byte[] {0, 2}, varint(500_000_000L), new byte[8]),
                concat(eventHeader, new byte[] {0, 0}, varint(Integer.MAX_VALUE - 8), new byte[8]))) {
            assertEquals(DeadLetterReason.UNDECODABLE, refused(events, evil).reason());
        }
        // A union index out of range and a varint that never ends are refused too.
        assertEquals(DeadLetterReason.UNDECODABLE, refused(examples, concat(header, new byte[] {4, 0, 0})).reason());
        byte[] endless = new byte[30];
        Arrays.fill(endless, (byte) 0xFF);
        assertEquals(DeadLetterReason.UNDECODABLE, refused(examples, concat(header, new byte[] {0, 0}, endless)).reason());
    }

    @Test
    void theBoundsCheckLetsEveryValidShapeThrough() {
        double[] big = new double[1000];
        Arrays.fill(big, 0.25);
        for (LabeledExample e : List.of(LabeledExample.of(null, null, new double[0], 0), LabeledExample.of("", "", new double[] {1}, 1),
                LabeledExample.of("é✓".repeat(300), "m", big, 3), LabeledExample.of("v", null, new double[] {1, 2}, new double[] {0, 1, 0}))) {
            LabeledExample back = examples.decode(examples.encode(e));
            assertEquals(e.id(), back.id());
            assertEquals(e.model(), back.model());
            assertArrayEquals(e.features(), back.features());
        }
    }

    @Test
    void tooManyFeatures() {
        AvroExampleCodec small = new AvroExampleCodec(2);
        byte[] bytes = examples.encode(LabeledExample.of(null, null, new double[] {1, 2, 3}, 1));
        assertEquals(DeadLetterReason.TOO_MANY_FEATURES,
                assertThrows(InvalidRecordException.class, () -> small.decode(bytes)).reason());
    }

    @Test
    void predictionsRoundTrip() {
        AvroPredictionCodec codec = new AvroPredictionCodec();
        ScoredEvent p = new ScoredEvent("e", "m", 3, new double[] {0.1, 0.9}, 1, 42L);
        ScoredEvent back = codec.decode(codec.encode(p));
        assertEquals(p.id(), back.id());
        assertArrayEquals(p.output(), back.output());
        assertEquals(3, back.version());
        assertEquals(42L, back.timestamp());
    }
}
