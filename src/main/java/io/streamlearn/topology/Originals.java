package io.streamlearn.topology;

import io.streamlearn.codec.DeadLetterReason;
import io.streamlearn.codec.LabeledExample;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The trainer refuses some validated examples (a late one: only the model's state says so), and
 * their dead letters must hold the record as it was read from the examples topic, like every other
 * dead letter. So a validated example travels to the trainer with its original record.
 *
 * <p>When the trainer is the validator's child, in the same task, the original record goes along in
 * memory ({@link Validated}). Through the re-keying topic it goes in headers of the re-keyed record:
 * where it was read, and its key, value and headers when they take at most {@link #CARRIED} bytes. A
 * larger record carries only its sizes and SHA-256 (its dead letter is then cut, as the dead-letters
 * topic cuts what it cannot take): the re-keyed record must stay within the topic's default 1 MiB
 * beside the example itself, whose size the validator bounds by the model's input size.
 */
final class Originals {
    /** The most bytes of key, value and headers carried through the re-keying topic. */
    static final int CARRIED = 64 * 1024;
    /** What every header added to a re-keyed record starts with; the original record's own headers are kept as they are. */
    static final String PREFIX = "streamlearn.src.";
    static final String TOPIC = PREFIX + "topic";
    static final String PARTITION = PREFIX + "partition";
    static final String OFFSET = PREFIX + "offset";
    static final String KEY = PREFIX + "key";
    static final String VALUE = PREFIX + "value";
    static final String VALUE_SIZE = PREFIX + "value.size";
    static final String VALUE_SHA256 = PREFIX + "value.sha256";
    static final String KEY_SIZE = PREFIX + "key.size";
    static final String KEY_SHA256 = PREFIX + "key.sha256";
    static final String HEADERS_SIZE = PREFIX + "headers.size";

    private Originals() {
    }

    /** A validated example with the record it was read from, handed to the trainer in memory. */
    record Validated(LabeledExample example, Record<byte[], byte[]> original) {
    }

    /** Where a record was read, for a dead letter made away from its source. */
    record Source(String topic, int partition, long offset) implements RecordMetadata {
    }

    /** Adds to {@code rekeyed}'s headers what its dead letter will need of {@code original}, read at {@code source}. */
    static void attach(Headers rekeyed, Record<byte[], byte[]> original, RecordMetadata source) {
        if (source != null) {
            rekeyed.add(TOPIC, utf8(source.topic()));
            rekeyed.add(PARTITION, utf8(Integer.toString(source.partition())));
            rekeyed.add(OFFSET, utf8(Long.toString(source.offset())));
        }
        Header[] headers = original.headers().toArray();
        long headersSize = RecordLimits.sizeOf(null, null, headers) - RecordLimits.sizeOf(null, null, new Header[0]);
        long size = headersSize + length(original.key()) + length(original.value());
        if (size <= CARRIED) {
            for (Header h : headers) {
                rekeyed.add(h);
            }
            if (original.key() != null) {
                rekeyed.add(KEY, original.key());
            }
            rekeyed.add(VALUE, original.value());
            return;
        }
        rekeyed.add(VALUE_SIZE, utf8(Integer.toString(length(original.value()))));
        rekeyed.add(VALUE_SHA256, utf8(DeadLetters.sha256(original.value() == null ? new byte[0] : original.value())));
        if (original.key() != null) {
            rekeyed.add(KEY_SIZE, utf8(Integer.toString(original.key().length)));
            rekeyed.add(KEY_SHA256, utf8(DeadLetters.sha256(original.key())));
        }
        if (headers.length > 0) {
            rekeyed.add(HEADERS_SIZE, utf8(Long.toString(headersSize)));
        }
    }

    /**
     * The dead letter of a re-keyed example, from what {@link #attach} carried: the original record
     * with its source, or, when it was too large to carry, its sizes and hashes.
     */
    static Record<byte[], byte[]> deadLetter(Headers carried, long timestamp, DeadLetterReason reason, String detail,
                                             int maxBytes) {
        Source source = carried.lastHeader(TOPIC) == null ? null : new Source(text(carried, TOPIC),
                Integer.parseInt(text(carried, PARTITION)), Long.parseLong(text(carried, OFFSET)));
        Header value = carried.lastHeader(VALUE);
        if (value == null) {
            String keySize = text(carried, KEY_SIZE);
            String headersSize = text(carried, HEADERS_SIZE);
            return DeadLetters.withoutBytes(source, timestamp, reason, detail, Integer.parseInt(text(carried, VALUE_SIZE)),
                    text(carried, VALUE_SHA256), keySize == null ? -1 : Integer.parseInt(keySize), text(carried, KEY_SHA256),
                    headersSize == null ? -1 : Long.parseLong(headersSize));
        }
        Header key = carried.lastHeader(KEY);
        Record<byte[], byte[]> original = new Record<>(key == null ? null : key.value(), value.value(), timestamp);
        for (Header h : carried) {
            if (!h.key().startsWith(PREFIX)) {
                original.headers().add(h);
            }
        }
        return DeadLetters.of(original, source, reason, detail, maxBytes);
    }

    private static String text(Headers headers, String name) {
        return DeadLetters.header(headers, name);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static int length(byte[] b) {
        return b == null ? 0 : b.length;
    }
}
