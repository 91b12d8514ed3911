package io.streamlearn.inspect;

import io.streamlearn.avro.DeadLetter;
import io.streamlearn.avro.DeadLetterHeader;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.AvroJson;
import io.streamlearn.codec.Codecs;
import io.streamlearn.codec.ScoredEvent;
import io.streamlearn.config.Format;
import io.streamlearn.snapshot.PublishedFigures;
import io.streamlearn.topology.DeadLetters;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One readable line per record of scored-events, weights or dead-letters, or with {@code json}
 * the record's value as JSON (a scored event in the JSON format, a snapshot and a dead letter as
 * Avro's JSON of their schemas). Thread-confined.
 */
public final class RecordLines {
    private static final AvroJson<DeadLetter> DEAD_LETTER_JSON = new AvroJson<>(DeadLetter.getClassSchema());

    private final boolean json;
    private final AvroJson<WeightSnapshot> snapshotJson = new AvroJson<>(WeightSnapshot.getClassSchema());

    public RecordLines(boolean json) {
        this.json = json;
    }

    /** {@code suffix}: what the caller adds to the readable line (a verdict against the true label). */
    public String scored(ScoredEvent p, String suffix) {
        if (json) {
            return new String(Codecs.predictions(Format.JSON).encode(p), StandardCharsets.UTF_8);
        }
        return String.format(Locale.ROOT, "%s model=%s v%d id=%s label=%d output=%s%s",
                Instant.ofEpochMilli(p.timestamp()), p.model(), p.version(), p.id(), p.label(), numbers(p.output()), suffix);
    }

    public String weights(WeightSnapshot s) {
        if (json) {
            return new String(snapshotJson.encode(s), StandardCharsets.UTF_8);
        }
        StringBuilder w = new StringBuilder();
        for (int l = 0; l < s.getLayers().size(); l++) {
            var layer = s.getLayers().get(l);
            w.append(l == 0 ? "" : " | ").append("W").append(l).append('=').append(numbers(layer.getWeights()))
                    .append(" b").append(l).append('=').append(numbers(layer.getBiases()));
        }
        return String.format(Locale.ROOT, "%s model=%s v%d %s examples=%d updates=%d accuracy=%s logloss=%s %s",
                Instant.ofEpochMilli(s.getCreatedAt()), s.getModel(), s.getVersion(), s.getSource(), s.getExamplesSeen(),
                s.getUpdatesApplied(), PublishedFigures.cell(PublishedFigures.accuracy(s)).trim(),
                PublishedFigures.cell(PublishedFigures.logLoss(s)).trim(), w);
    }

    public String deadLetter(ConsumerRecord<byte[], byte[]> r) {
        if (json) {
            return new String(DEAD_LETTER_JSON.encode(asDeadLetter(r)), StandardCharsets.UTF_8);
        }
        String from = header(r, DeadLetters.TOPIC) + "-" + header(r, DeadLetters.PARTITION) + "@" + header(r, DeadLetters.OFFSET);
        String value = r.value() == null ? "null" : printable(r.value());
        return String.format(Locale.ROOT, "%s %s from %s: %s | value=%s", Instant.ofEpochMilli(r.timestamp()),
                header(r, DeadLetters.REASON), from, header(r, DeadLetters.DETAIL), value);
    }

    /** The record as the DeadLetter schema describes it: its JSON form is Avro's JSON of that schema. */
    public static DeadLetter asDeadLetter(ConsumerRecord<byte[], byte[]> r) {
        List<DeadLetterHeader> original = new ArrayList<>();
        for (var h : r.headers()) {
            if (!h.key().startsWith(DeadLetters.HEADER_PREFIX)) {
                original.add(new DeadLetterHeader(h.key(), h.value() == null ? null : ByteBuffer.wrap(h.value())));
            }
        }
        return DeadLetter.newBuilder()
                .setReason(orEmpty(header(r, DeadLetters.REASON)))
                .setDetail(orEmpty(header(r, DeadLetters.DETAIL)))
                .setSourceTopic(orEmpty(header(r, DeadLetters.TOPIC)))
                .setPartition((int) parseOr(header(r, DeadLetters.PARTITION), -1))
                .setOffset(parseOr(header(r, DeadLetters.OFFSET), -1))
                .setTimestamp(r.timestamp())
                .setKey(r.key() == null ? null : ByteBuffer.wrap(r.key()))
                .setValue(r.value() == null ? null : ByteBuffer.wrap(r.value()))
                .setHeaders(original)
                .build();
    }

    /** A header's value as text, null when absent. */
    public static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static long parseOr(String s, long fallback) {
        try {
            return s == null ? fallback : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static String printable(byte[] v) {
        String s = new String(v, StandardCharsets.UTF_8);
        boolean text = s.chars().allMatch(ch -> ch >= 0x20 && ch != 0xFFFD || ch == '\t');
        String shown = text ? s : "0x" + java.util.HexFormat.of().formatHex(v, 0, Math.min(v.length, 64));
        return shown.length() > 200 ? shown.substring(0, 200) + "..." : shown;
    }

    private static String numbers(double[] v) {
        return numbers(Arrays.stream(v).boxed().toList());
    }

    private static String numbers(List<Double> v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.size(); i++) {
            if (i == 8 && v.size() > 10) {
                sb.append(", ... (").append(v.size()).append(" values)");
                break;
            }
            sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.6g", v.get(i)));
        }
        return sb.append(']').toString();
    }
}
