package io.streamlearn.topology;

import io.streamlearn.codec.DeadLetterReason;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Builds the record that goes to the dead-letter topic: the original key, value and headers,
 * untouched, plus headers saying why and where it came from. Consumers can replay it after a fix.
 */
public final class DeadLetters {
    /** What every header this class adds starts with; the original record's headers do not. */
    public static final String HEADER_PREFIX = "streamlearn.dlq.";
    public static final String REASON = HEADER_PREFIX + "reason";
    public static final String DETAIL = HEADER_PREFIX + "detail";
    public static final String TOPIC = HEADER_PREFIX + "topic";
    public static final String PARTITION = HEADER_PREFIX + "partition";
    public static final String OFFSET = HEADER_PREFIX + "offset";

    private static final int MAX_DETAIL = 500;

    private DeadLetters() {
    }

    public static Record<byte[], byte[]> of(Record<byte[], byte[]> original, ProcessorContext<?, ?> context,
                                            DeadLetterReason reason, String detail) {
        Headers headers = new RecordHeaders(original.headers().toArray());
        headers.add(REASON, utf8(reason.name()));
        String d = detail == null ? "" : detail;
        headers.add(DETAIL, utf8(d.length() > MAX_DETAIL ? d.substring(0, MAX_DETAIL) + "..." : d));
        RecordMetadata meta = context.recordMetadata().orElse(null);
        if (meta != null) {
            headers.add(TOPIC, utf8(meta.topic()));
            headers.add(PARTITION, utf8(Integer.toString(meta.partition())));
            headers.add(OFFSET, utf8(Long.toString(meta.offset())));
        }
        return new Record<>(original.key(), original.value(), original.timestamp(), headers);
    }

    public static String header(Headers headers, String name) {
        var h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
