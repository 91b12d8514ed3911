package io.streamlearn.topology;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The largest record the topology may write to each topic whose records are shaped by the input
 * (scored events and dead letters), in bytes as {@link #sizeOf} counts them. Decided once at start
 * from the producer's {@code max.request.size} and {@code buffer.memory} and each topic's
 * {@code max.message.bytes} ({@link #of}), so that the processors never send a record Kafka would
 * refuse: under exactly-once one refused send makes the whole transaction abortable, and the input
 * record would come back after every restart.
 *
 * @param scoredEvents largest scored event, key, value and headers included
 * @param deadLetters  largest dead letter, key, value and headers included
 */
public record RecordLimits(int scoredEvents, int deadLetters) {

    /** Kafka's defaults: {@code max.request.size} 1 MiB (below {@code buffer.memory}), {@code message.max.bytes} 1 MiB + 12. */
    public static final RecordLimits KAFKA_DEFAULTS = of(1024 * 1024, 1024 * 1024 + 12, 1024 * 1024 + 12);

    /**
     * A one-record v2 batch: 61 bytes of batch header, then per record its length, attributes,
     * timestamp and offset deltas, key and value lengths and header count, as varints of their
     * widest form; per header two more length varints. An upper bound, like the producer's own
     * estimate, which it compares with {@code max.request.size}.
     */
    private static final int BATCH_OVERHEAD = 61;
    private static final int RECORD_OVERHEAD = 5 + 1 + 10 + 5 + 5 + 5 + 5;
    private static final int HEADER_OVERHEAD = 5 + 5;

    public RecordLimits {
        if (scoredEvents <= 0 || deadLetters <= 0) {
            throw new IllegalArgumentException("record limits must be positive: " + scoredEvents + ", " + deadLetters);
        }
    }

    /**
     * The limits for a producer that takes records of at most {@code largestProducerRecord} bytes
     * (the smaller of its {@code max.request.size} and {@code buffer.memory}) and topics that take
     * batches of at most the given sizes ({@code max.message.bytes}). A
     * margin is kept below the smaller of the two: the broker checks a batch after compression,
     * and compressing bytes that do not compress makes them slightly larger (lz4, the worst of
     * Kafka's codecs, by 0.4%).
     */
    public static RecordLimits of(long largestProducerRecord, int scoredEventsMaxMessageBytes,
                                  int deadLettersMaxMessageBytes) {
        long producer = largestProducerRecord;
        return new RecordLimits(withMargin(Math.min(producer, scoredEventsMaxMessageBytes)),
                withMargin(Math.min(producer, deadLettersMaxMessageBytes)));
    }

    private static int withMargin(long limit) {
        return (int) Math.max(1, limit - limit / 128 - 1024);
    }

    /** The size of a record once written, counted as {@link RecordLimits} does: never below Kafka's own estimate. */
    public static long sizeOf(byte[] key, byte[] value, Headers headers) {
        // Counted on every scored event: iterated in place, no array or encoded key per record.
        long size = BATCH_OVERHEAD + RECORD_OVERHEAD + length(key) + length(value);
        if (headers != null) {
            for (Header h : headers) {
                size += headerSize(h.key(), h.value());
            }
        }
        return size;
    }

    public static long sizeOf(byte[] key, byte[] value, Header[] headers) {
        long size = BATCH_OVERHEAD + RECORD_OVERHEAD + length(key) + length(value);
        for (Header h : headers) {
            size += headerSize(h.key(), h.value());
        }
        return size;
    }

    static long headerSize(String key, byte[] value) {
        return HEADER_OVERHEAD + utf8Length(key) + length(value);
    }

    /** What {@code s.getBytes(UTF_8).length} gives (a lone surrogate becomes one '?'), without encoding. */
    static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                n += 1;
            } else {
                n += 3;
            }
        }
        return n;
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }
}
