package io.streamlearn.topology;

import io.streamlearn.codec.DeadLetterReason;
import io.streamlearn.codec.PlainHeader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Builds the record that goes to the dead-letter topic: the original key, value and headers,
 * untouched, plus headers saying why and where it came from. Consumers can replay it after a fix.
 *
 * <p>A dead letter that would be larger than the topic takes is cut instead, so that no input can
 * make the learner fail to write it: its reason becomes {@link DeadLetterReason#TOO_LARGE}, the
 * first reason moves to {@link #ORIGINAL_REASON} and the start of the detail, the value (and, if
 * needed, the key) is cut to a prefix, and the full size and SHA-256 of what was cut say which
 * record it was. Original headers that take more than a quarter of the room are dropped whole.
 */
public final class DeadLetters {
    /** What every header this class adds starts with; the original record's headers do not. */
    public static final String HEADER_PREFIX = "streamlearn.dlq.";
    public static final String REASON = HEADER_PREFIX + "reason";
    public static final String DETAIL = HEADER_PREFIX + "detail";
    public static final String TOPIC = HEADER_PREFIX + "topic";
    public static final String PARTITION = HEADER_PREFIX + "partition";
    public static final String OFFSET = HEADER_PREFIX + "offset";
    /** TOO_LARGE only: the reason the record was refused for in the first place. */
    public static final String ORIGINAL_REASON = HEADER_PREFIX + "original.reason";
    /** TOO_LARGE only: the original value's size in bytes, and its SHA-256 in lowercase hex. */
    public static final String VALUE_SIZE = HEADER_PREFIX + "value.size";
    public static final String VALUE_SHA256 = HEADER_PREFIX + "value.sha256";
    /** TOO_LARGE and the key was cut: the original key's size and SHA-256. */
    public static final String KEY_SIZE = HEADER_PREFIX + "key.size";
    public static final String KEY_SHA256 = HEADER_PREFIX + "key.sha256";
    /** TOO_LARGE and the original headers were dropped: their size in bytes. */
    public static final String HEADERS_SIZE = HEADER_PREFIX + "headers.size";
    /**
     * FUTURE_TIMESTAMP only: the record's own timestamp. Its dead letter is stamped with the
     * learner's clock instead: a topic refuses records too far ahead ({@code message.timestamp.after.max.ms}),
     * and under exactly-once one refused write would stop the learner on this record for ever.
     */
    public static final String TIMESTAMP = HEADER_PREFIX + "timestamp";

    private static final int MAX_DETAIL = 500;
    /** Stands for a size not yet known while the room for key and value is worked out: as wide as any int. */
    private static final int WIDEST = Integer.MAX_VALUE;

    private DeadLetters() {
    }

    /** The dead letter of the record being processed, at most {@code maxBytes} as {@link RecordLimits#sizeOf} counts. */
    public static Record<byte[], byte[]> of(Record<byte[], byte[]> original, ProcessorContext<?, ?> context,
                                            DeadLetterReason reason, String detail, int maxBytes) {
        return of(original, context.recordMetadata().orElse(null), reason, detail, maxBytes);
    }

    /** The same, with the source position given ({@code null}: unknown, as in a punctuation). */
    public static Record<byte[], byte[]> of(Record<byte[], byte[]> original, RecordMetadata source,
                                            DeadLetterReason reason, String detail, int maxBytes) {
        return of(original, source, reason, detail, List.of(), maxBytes);
    }

    /**
     * The dead letter of a record stamped too far ahead ({@link DeadLetterReason#FUTURE_TIMESTAMP}):
     * stamped {@code now}, its own timestamp in {@link #TIMESTAMP}.
     */
    public static Record<byte[], byte[]> future(Record<byte[], byte[]> original, RecordMetadata source, long now,
                                                String detail, int maxBytes) {
        return of(original.withTimestamp(now), source, DeadLetterReason.FUTURE_TIMESTAMP, detail,
                List.of(header(TIMESTAMP, Long.toString(original.timestamp()))), maxBytes);
    }

    private static Record<byte[], byte[]> of(Record<byte[], byte[]> original, RecordMetadata source,
                                             DeadLetterReason reason, String detail, List<Header> extra, int maxBytes) {
        String d = detail == null ? "" : detail;
        d = d.length() > MAX_DETAIL ? d.substring(0, MAX_DETAIL) + "..." : d;
        Header[] originalHeaders = original.headers().toArray();
        List<Header> ours = new ArrayList<>();
        ours.add(header(REASON, reason.name()));
        ours.add(header(DETAIL, d));
        addSource(ours, source);
        ours.addAll(extra);
        if (RecordLimits.sizeOf(original.key(), original.value(), concat(originalHeaders, ours)) <= maxBytes) {
            return record(original.key(), original.value(), original.timestamp(), concat(originalHeaders, ours));
        }
        return cut(original, originalHeaders, source, reason, d, extra, maxBytes);
    }

    /**
     * The dead letter of a record whose bytes did not travel with it to where it was refused (over
     * the {@link Originals#CARRIED} bytes the re-keying topic carries): what a cut dead letter says,
     * with nothing of the key and value kept: reason {@link DeadLetterReason#TOO_LARGE}, the reason
     * in {@link #ORIGINAL_REASON}, sizes and SHA-256 of key and value, where it was read.
     *
     * @param keySize     -1 when the record had no key
     * @param headersSize -1 when it had no headers
     */
    static Record<byte[], byte[]> withoutBytes(RecordMetadata source, long timestamp, DeadLetterReason reason,
                                               String detail, int valueSize, String valueSha256, int keySize,
                                               String keySha256, long headersSize) {
        String d = detail == null ? "" : detail;
        d = d.length() > MAX_DETAIL ? d.substring(0, MAX_DETAIL) + "..." : d;
        StringBuilder text = new StringBuilder(reason.name()).append(": ").append(d)
                .append("; value of ").append(valueSize).append(" bytes cut to 0");
        if (keySize >= 0) {
            text.append("; key of ").append(keySize).append(" bytes cut to 0");
        }
        if (headersSize >= 0) {
            text.append("; original headers of ").append(headersSize).append(" bytes dropped");
        }
        text.append(" (records over ").append(Originals.CARRIED).append(" bytes are not carried to the trainer)");
        List<Header> h = new ArrayList<>();
        h.add(header(REASON, DeadLetterReason.TOO_LARGE.name()));
        h.add(header(ORIGINAL_REASON, reason.name()));
        h.add(header(DETAIL, text.toString()));
        addSource(h, source);
        h.add(header(VALUE_SIZE, Integer.toString(valueSize)));
        h.add(header(VALUE_SHA256, valueSha256));
        if (keySize >= 0) {
            h.add(header(KEY_SIZE, Integer.toString(keySize)));
            h.add(header(KEY_SHA256, keySha256));
        }
        if (headersSize >= 0) {
            h.add(header(HEADERS_SIZE, Long.toString(headersSize)));
        }
        return record(keySize >= 0 ? new byte[0] : null, new byte[0], timestamp, h.toArray(new Header[0]));
    }

    private static Record<byte[], byte[]> cut(Record<byte[], byte[]> original, Header[] originalHeaders,
                                              RecordMetadata source, DeadLetterReason reason, String detail,
                                              List<Header> extra, int maxBytes) {
        byte[] key = original.key();
        byte[] value = original.value();
        int keyLength = key == null ? 0 : key.length;
        int valueLength = value == null ? 0 : value.length;
        long headersSize = RecordLimits.sizeOf(null, null, originalHeaders) - RecordLimits.sizeOf(null, null, new Header[0]);
        Header[] kept = headersSize <= maxBytes / 4 ? originalHeaders : new Header[0];
        boolean dropped = kept.length < originalHeaders.length;
        // Room for key and value once every header is written, counting the headers as if
        // everything were cut to a size of the widest width: the real ones can only be shorter.
        List<Header> widest = tooLargeHeaders(source, reason, detail, key, keyLength, WIDEST, value, valueLength, WIDEST,
                dropped ? headersSize : -1, true);
        widest.addAll(extra);
        long room = Math.max(0, maxBytes - RecordLimits.sizeOf(null, null, concat(kept, widest)));
        // The value gets three quarters when both are large; a small one leaves the rest to the other.
        int keyKept = (int) Math.min(keyLength, Math.max(room / 4, room - valueLength));
        int valueKept = (int) Math.min(valueLength, room - keyKept);
        List<Header> ours = tooLargeHeaders(source, reason, detail, key, keyLength, keyKept, value, valueLength, valueKept,
                dropped ? headersSize : -1, false);
        ours.addAll(extra);
        return record(key == null ? null : Arrays.copyOf(key, keyKept),
                value == null ? null : Arrays.copyOf(value, valueKept), original.timestamp(), concat(kept, ours));
    }

    private static List<Header> tooLargeHeaders(RecordMetadata source, DeadLetterReason reason, String detail,
                                                byte[] key, int keyLength, int keyKept,
                                                byte[] value, int valueLength, int valueKept,
                                                long droppedHeaders, boolean widest) {
        boolean keyCut = keyKept < keyLength || (widest && key != null);
        StringBuilder d = new StringBuilder(reason.name()).append(": ").append(detail);
        if (value != null) {
            d.append("; value of ").append(valueLength).append(" bytes cut to ").append(valueKept);
        }
        if (keyCut) {
            d.append("; key of ").append(keyLength).append(" bytes cut to ").append(keyKept);
        }
        if (droppedHeaders >= 0) {
            d.append("; original headers of ").append(droppedHeaders).append(" bytes dropped");
        }
        List<Header> h = new ArrayList<>();
        h.add(header(REASON, DeadLetterReason.TOO_LARGE.name()));
        h.add(header(ORIGINAL_REASON, reason.name()));
        h.add(header(DETAIL, d.toString()));
        addSource(h, source);
        if (value != null) {
            h.add(header(VALUE_SIZE, Integer.toString(valueLength)));
            h.add(header(VALUE_SHA256, sha256(widest ? new byte[0] : value)));
        }
        if (keyCut) {
            h.add(header(KEY_SIZE, Integer.toString(keyLength)));
            h.add(header(KEY_SHA256, sha256(widest ? new byte[0] : key)));
        }
        if (droppedHeaders >= 0) {
            h.add(header(HEADERS_SIZE, Long.toString(droppedHeaders)));
        }
        return h;
    }

    private static void addSource(List<Header> headers, RecordMetadata source) {
        if (source != null) {
            headers.add(header(TOPIC, source.topic()));
            headers.add(header(PARTITION, Integer.toString(source.partition())));
            headers.add(header(OFFSET, Long.toString(source.offset())));
        }
    }

    /** SHA-256 of {@code bytes} in lowercase hex, as {@link #VALUE_SHA256} and {@link #KEY_SHA256} hold it. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The reason a dead letter made by {@link #of} carries. */
    public static DeadLetterReason reason(Record<byte[], byte[]> deadLetter) {
        return DeadLetterReason.valueOf(header(deadLetter.headers(), REASON));
    }

    public static String header(Headers headers, String name) {
        var h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static Header header(String name, String value) {
        return new PlainHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static Record<byte[], byte[]> record(byte[] key, byte[] value, long timestamp, Header[] headers) {
        Record<byte[], byte[]> r = new Record<>(key, value, timestamp);
        for (Header h : headers) {
            r.headers().add(h);
        }
        return r;
    }

    private static Header[] concat(Header[] first, List<Header> then) {
        Header[] all = Arrays.copyOf(first, first.length + then.size());
        for (int i = 0; i < then.size(); i++) {
            all[first.length + i] = then.get(i);
        }
        return all;
    }

    private static Header[] concat(Header[] first, Header[] then) {
        return concat(first, Arrays.asList(then));
    }
}
