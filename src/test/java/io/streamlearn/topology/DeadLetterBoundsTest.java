package io.streamlearn.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.codec.DeadLetterReason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.internal.AbstractRecords;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.junit.jupiter.api.Test;

/**
 * A dead letter is the original record when it fits the dead-letters topic, and otherwise a record
 * that fits, says it was cut (TOO_LARGE), keeps the first reason, and identifies the original by
 * its size and SHA-256; what is kept of key and value is their start.
 */
class DeadLetterBoundsTest {

    /** Header keys are counted without encoding them, as many bytes as UTF-8 makes of them. */
    @Test
    void headerKeysAreCountedAsTheirUtf8Bytes() {
        for (String key : List.of("", "streamlearn.dlq.reason", "é", "中文", "\uD83D\uDE00 emoji", "lone \uD800 high",
                "lone \uDC00 low", "end \uD83D", "\u07FF\u0800\uFFFF")) {
            assertEquals(key.getBytes(StandardCharsets.UTF_8).length, RecordLimits.utf8Length(key), key);
        }
    }
    private static final int LIMIT = 64 * 1024;
    private static final RecordMetadata SOURCE = new RecordMetadata() {
        @Override
        public String topic() {
            return "examples";
        }

        @Override
        public int partition() {
            return 3;
        }

        @Override
        public long offset() {
            return 1234567L;
        }
    };

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static Headers traced(int bytes) {
        RecordHeaders h = new RecordHeaders();
        h.add("trace", "t-1".getBytes(StandardCharsets.UTF_8));
        if (bytes > 0) {
            h.add("blob", new byte[bytes]);
        }
        return h;
    }

    private static String header(Record<byte[], byte[]> r, String name) {
        return DeadLetters.header(r.headers(), name);
    }

    private static long size(Record<byte[], byte[]> r) {
        return RecordLimits.sizeOf(r.key(), r.value(), r.headers());
    }

    private static void assertPrefix(byte[] original, byte[] prefix, String what) {
        assertTrue(prefix.length <= original.length, what + " is no longer than the original");
        assertArrayEquals(Arrays.copyOf(original, prefix.length), prefix, what + " is the start of the original");
    }

    @Test
    void aRecordThatFitsIsTheOriginalByteForByteWithTheReasonAndSource() {
        byte[] key = "user-1".getBytes(StandardCharsets.UTF_8);
        byte[] value = random(LIMIT / 2, 1);
        Record<byte[], byte[]> in = new Record<>(key, value, 42L, traced(100));
        Record<byte[], byte[]> dl = DeadLetters.of(in, SOURCE, DeadLetterReason.UNDECODABLE, "not JSON", LIMIT);
        assertArrayEquals(key, dl.key());
        assertArrayEquals(value, dl.value());
        assertEquals(42L, dl.timestamp());
        assertArrayEquals(in.headers().toArray(), Arrays.copyOf(dl.headers().toArray(), 2), "original headers first, unchanged");
        assertEquals("UNDECODABLE", header(dl, DeadLetters.REASON));
        assertEquals("not JSON", header(dl, DeadLetters.DETAIL));
        assertEquals("examples", header(dl, DeadLetters.TOPIC));
        assertEquals("3", header(dl, DeadLetters.PARTITION));
        assertEquals("1234567", header(dl, DeadLetters.OFFSET));
        for (String absent : List.of(DeadLetters.ORIGINAL_REASON, DeadLetters.VALUE_SIZE, DeadLetters.VALUE_SHA256,
                DeadLetters.KEY_SIZE, DeadLetters.KEY_SHA256, DeadLetters.HEADERS_SIZE)) {
            assertNull(dl.headers().lastHeader(absent), absent);
        }
    }

    @Test
    void aValueTooLargeIsCutToAPrefixWithItsSizeHashAndFirstReason() {
        byte[] value = random(2_000_000, 2);
        Record<byte[], byte[]> in = new Record<>("k".getBytes(StandardCharsets.UTF_8), value, 7L, traced(0));
        Record<byte[], byte[]> dl = DeadLetters.of(in, SOURCE, DeadLetterReason.UNDECODABLE, "bad byte at 0", LIMIT);

        assertTrue(size(dl) <= LIMIT, "fits: " + size(dl));
        assertEquals("TOO_LARGE", header(dl, DeadLetters.REASON));
        assertEquals("UNDECODABLE", header(dl, DeadLetters.ORIGINAL_REASON));
        assertEquals("2000000", header(dl, DeadLetters.VALUE_SIZE));
        assertEquals(DeadLetters.sha256(value), header(dl, DeadLetters.VALUE_SHA256));
        assertEquals(64, header(dl, DeadLetters.VALUE_SHA256).length());
        assertPrefix(value, dl.value(), "the value");
        // Only the headers and a margin are not value.
        assertTrue(dl.value().length > LIMIT - 1024, "the prefix uses the room: " + dl.value().length);
        assertEquals("UNDECODABLE: bad byte at 0; value of 2000000 bytes cut to " + dl.value().length,
                header(dl, DeadLetters.DETAIL));
        assertArrayEquals(in.key(), dl.key(), "a small key is kept whole");
        assertNull(dl.headers().lastHeader(DeadLetters.KEY_SIZE), "the key was not cut");
        assertEquals("t-1", header(dl, "trace"), "small original headers are kept");
        assertEquals("examples", header(dl, DeadLetters.TOPIC));
        assertEquals("1234567", header(dl, DeadLetters.OFFSET));
        assertEquals(7L, dl.timestamp());
    }

    @Test
    void aKeyAndValueBothTooLargeShareTheRoomAndBothAreIdentified() {
        byte[] key = random(500_000, 3);
        byte[] value = random(700_000, 4);
        Record<byte[], byte[]> dl = DeadLetters.of(new Record<>(key, value, 1L, traced(0)), SOURCE,
                DeadLetterReason.TOO_LARGE, "its scored event would be 1200300 bytes", LIMIT);
        assertTrue(size(dl) <= LIMIT, "fits: " + size(dl));
        assertPrefix(key, dl.key(), "the key");
        assertPrefix(value, dl.value(), "the value");
        assertTrue(dl.value().length >= 3 * dl.key().length - 3, "the value gets three quarters: "
                + dl.key().length + " / " + dl.value().length);
        assertTrue(dl.key().length > 0);
        assertEquals("500000", header(dl, DeadLetters.KEY_SIZE));
        assertEquals(DeadLetters.sha256(key), header(dl, DeadLetters.KEY_SHA256));
        assertEquals("700000", header(dl, DeadLetters.VALUE_SIZE));
        assertEquals(DeadLetters.sha256(value), header(dl, DeadLetters.VALUE_SHA256));
        assertEquals("TOO_LARGE", header(dl, DeadLetters.ORIGINAL_REASON));
        String detail = header(dl, DeadLetters.DETAIL);
        assertTrue(detail.startsWith("TOO_LARGE: its scored event would be 1200300 bytes; value of 700000 bytes cut to "
                + dl.value().length + "; key of 500000 bytes cut to " + dl.key().length), detail);
    }

    @Test
    void aLargeKeyWithASmallValueKeepsTheValueWhole() {
        byte[] key = random(300_000, 5);
        byte[] value = "{\"features\": [1, 2]}".getBytes(StandardCharsets.UTF_8);
        Record<byte[], byte[]> dl = DeadLetters.of(new Record<>(key, value, 1L, traced(0)), SOURCE,
                DeadLetterReason.UNKNOWN_MODEL, "model 'x'", LIMIT);
        assertTrue(size(dl) <= LIMIT);
        assertArrayEquals(value, dl.value());
        assertPrefix(key, dl.key(), "the key");
        assertTrue(dl.key().length > LIMIT - 1024 - value.length, "the key takes what the value leaves: " + dl.key().length);
        assertEquals("300000", header(dl, DeadLetters.KEY_SIZE));
        assertEquals(Integer.toString(value.length), header(dl, DeadLetters.VALUE_SIZE));
    }

    @Test
    void originalHeadersTooLargeAreDroppedAndTheRestKept() {
        byte[] value = "{}".getBytes(StandardCharsets.UTF_8);
        Record<byte[], byte[]> in = new Record<>(null, value, 1L, traced(200_000));
        Record<byte[], byte[]> dl = DeadLetters.of(in, SOURCE, DeadLetterReason.MISSING_FIELD, "no features", LIMIT);
        assertTrue(size(dl) <= LIMIT);
        assertNull(dl.key(), "a null key stays null");
        assertArrayEquals(value, dl.value());
        assertNull(dl.headers().lastHeader("blob"));
        assertNull(dl.headers().lastHeader("trace"), "headers are dropped whole, not picked");
        long dropped = RecordLimits.sizeOf(null, null, in.headers()) - RecordLimits.sizeOf(null, null, new Header[0]);
        assertEquals(Long.toString(dropped), header(dl, DeadLetters.HEADERS_SIZE));
        assertEquals("MISSING_FIELD", header(dl, DeadLetters.ORIGINAL_REASON));
        assertTrue(header(dl, DeadLetters.DETAIL).endsWith("; original headers of " + dropped + " bytes dropped"));
    }

    @Test
    void aNullValueStaysNullWhenOnlyTheKeyIsCut() {
        byte[] key = random(100_000, 6);
        Record<byte[], byte[]> dl = DeadLetters.of(new Record<>(key, null, 1L, traced(0)), (RecordMetadata) null,
                DeadLetterReason.NULL_VALUE, "record has no value", LIMIT);
        assertNull(dl.value());
        assertNull(dl.headers().lastHeader(DeadLetters.VALUE_SIZE));
        assertPrefix(key, dl.key(), "the key");
        assertEquals("100000", header(dl, DeadLetters.KEY_SIZE));
        assertNull(dl.headers().lastHeader(DeadLetters.TOPIC), "no source known, none claimed");
        assertTrue(size(dl) <= LIMIT);
    }

    @Test
    void whateverTheShapeTheDeadLetterFitsAndKeepsTheStartOfKeyAndValue() {
        Random r = new Random(11);
        for (int i = 0; i < 300; i++) {
            int limit = 2048 + r.nextInt(200_000);
            byte[] key = r.nextInt(4) == 0 ? null : random(r.nextInt(r.nextBoolean() ? 100 : 400_000), i);
            byte[] value = r.nextInt(8) == 0 ? null : random(r.nextInt(r.nextBoolean() ? 1000 : 400_000), -i);
            Headers h = traced(r.nextInt(3) == 0 ? r.nextInt(300_000) : 0);
            String detail = "x".repeat(r.nextInt(2000));
            Record<byte[], byte[]> in = new Record<>(key, value, i, h);
            Record<byte[], byte[]> dl = DeadLetters.of(in, SOURCE, DeadLetterReason.UNDECODABLE, detail, limit);
            String what = "case " + i + " (limit " + limit + ")";
            assertTrue(size(dl) <= limit, what + ": " + size(dl));
            boolean fits = RecordLimits.sizeOf(key, value, h) + 2 * 1024 <= limit;
            if (fits) {
                assertEquals("UNDECODABLE", header(dl, DeadLetters.REASON), what);
            }
            if ("TOO_LARGE".equals(header(dl, DeadLetters.REASON))) {
                assertEquals("UNDECODABLE", header(dl, DeadLetters.ORIGINAL_REASON), what);
                if (value != null) {
                    assertEquals(Integer.toString(value.length), header(dl, DeadLetters.VALUE_SIZE), what);
                    assertEquals(DeadLetters.sha256(value), header(dl, DeadLetters.VALUE_SHA256), what);
                }
            } else {
                assertArrayEquals(value, dl.value(), what);
                assertArrayEquals(key, dl.key(), what);
            }
            if (value != null) {
                assertPrefix(value, dl.value(), what + " value");
            }
            if (key != null) {
                assertPrefix(key, dl.key(), what + " key");
            }
            assertNotNull(header(dl, DeadLetters.DETAIL));
        }
    }

    @Test
    void theSizeCountedIsNeverBelowKafkasOwnEstimate() {
        Random r = new Random(3);
        for (int i = 0; i < 100; i++) {
            byte[] key = r.nextBoolean() ? null : random(r.nextInt(70_000), i);
            byte[] value = r.nextInt(5) == 0 ? null : random(r.nextInt(3_000_000), i + 1);
            Headers h = new RecordHeaders();
            for (int j = r.nextInt(5); j > 0; j--) {
                h.add("h" + "é".repeat(r.nextInt(100)), r.nextBoolean() ? null : random(r.nextInt(20_000), j));
            }
            long kafka = AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE,
                    CompressionType.NONE, key, value, h.toArray());
            long ours = RecordLimits.sizeOf(key, value, h);
            assertTrue(ours >= kafka && ours <= kafka + 20 + 10L * h.toArray().length, ours + " vs Kafka's " + kafka);
        }
    }

    @Test
    void theLimitsKeepAMarginBelowTheProducerAndEachTopic() {
        RecordLimits l = RecordLimits.of(1_048_576, 67_108_864, 500_000);
        assertTrue(l.scoredEvents() < 1_048_576 && l.scoredEvents() > 1_000_000, "producer bound: " + l.scoredEvents());
        assertTrue(l.deadLetters() < 500_000 && l.deadLetters() > 480_000, "topic bound: " + l.deadLetters());
        assertTrue(RecordLimits.KAFKA_DEFAULTS.deadLetters() < 1_048_576);
        // 1/128 + 1 KiB: lz4 grows bytes that do not compress by at most 1/255 + 16 bytes.
        long big = 64L << 20;
        RecordLimits wide = RecordLimits.of(big, (int) big, (int) big);
        assertTrue(wide.deadLetters() + big / 255 + 16 + 61 < big, "room for compression overhead");
    }
}
