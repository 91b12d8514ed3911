package io.streamlearn.retrain;

import io.streamlearn.codec.Codec;
import io.streamlearn.codec.Event;
import io.streamlearn.codec.HeaderNames;
import io.streamlearn.codec.InvalidRecordException;
import io.streamlearn.codec.LabeledExample;
import io.streamlearn.model.Label;
import io.streamlearn.config.ModelResolver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A topic of labeled records as an epoch source: a fixed range per partition, from given start
 * offsets up to the end offsets captured when it was opened, so records arriving during a
 * retrain are not part of it. Small ranges are kept in memory after the first read; larger ones
 * are read from Kafka again every epoch, so memory stays bounded for a topic larger than the heap.
 * Reads the examples topic, or the events held out by {@code produce --holdout} with their true
 * label in a header ({@link #heldOutEvents}).
 */
public final class KafkaEpochSource implements EpochSource, AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, Long> start;
    private final Map<TopicPartition, Long> end;
    private final RecordDecoder decoder;
    private final ModelResolver resolver;
    private final String model;
    private final java.util.function.Predicate<LabeledExample> valid;
    private final int cacheLimit;
    private List<Cached> cache;
    private long skipped;
    private long total;

    private record Cached(double[] x, double label, double[] vector, long position) {
    }

    /** Turns a record into a labeled example; null or {@link InvalidRecordException} when it has none. */
    @FunctionalInterface
    private interface RecordDecoder {
        LabeledExample decode(ConsumerRecord<byte[], byte[]> r);
    }

    /** Where to start reading: the beginning, a timestamp, or explicit offsets per partition. */
    public record StartAt(Long timestampMs, Map<Integer, Long> offsets) {
        public static StartAt beginning() {
            return new StartAt(null, Map.of());
        }
    }

    public KafkaEpochSource(Properties clientProps, String topic, StartAt startAt, Codec<LabeledExample> codec,
                            ModelResolver resolver, String model, java.util.function.Predicate<LabeledExample> valid, int cacheLimit) {
        this(clientProps, topic, startAt, r -> codec.decode(r.value()), resolver, model, valid, cacheLimit);
    }

    /**
     * The events of {@code model} in {@code topic} (from the beginning) that carry their true
     * label in header {@link HeaderNames#TRUE_LABEL}, as {@code produce --holdout} sends them: the
     * test set of the tutorial's split, which the learner never trained on. Class labels only, as
     * for the holdout: an event whose label is a vector (or unreadable) is left out.
     */
    public static KafkaEpochSource heldOutEvents(Properties clientProps, String topic, Codec<Event> codec,
                                                 ModelResolver resolver, String model,
                                                 java.util.function.Predicate<LabeledExample> valid, int cacheLimit) {
        return new KafkaEpochSource(clientProps, topic, StartAt.beginning(), r -> {
            Header truth = r.headers().lastHeader(HeaderNames.TRUE_LABEL);
            if (truth == null || truth.value() == null) {
                return null;
            }
            double label;
            try {
                label = Double.parseDouble(new String(truth.value(), StandardCharsets.UTF_8).trim());
            } catch (NumberFormatException notAClass) {
                return null;
            }
            Event e = codec.decode(r.value());
            return LabeledExample.of(e.id(), e.model(), e.features(), label);
        }, resolver, model, valid, cacheLimit);
    }

    private KafkaEpochSource(Properties clientProps, String topic, StartAt startAt, RecordDecoder decoder,
                             ModelResolver resolver, String model, java.util.function.Predicate<LabeledExample> valid, int cacheLimit) {
        this.consumer = new KafkaConsumer<>(consumerProperties(clientProps), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.decoder = decoder;
        this.resolver = resolver;
        this.model = model;
        this.valid = valid;
        this.cacheLimit = cacheLimit;
        List<TopicPartition> parts = new ArrayList<>();
        consumer.partitionsFor(topic, Duration.ofSeconds(10)).forEach(pi -> parts.add(new TopicPartition(topic, pi.partition())));
        consumer.assign(parts);
        this.end = new HashMap<>(consumer.endOffsets(parts, Duration.ofSeconds(10)));
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(parts, Duration.ofSeconds(10));
        this.start = new HashMap<>(begin);
        if (startAt.timestampMs() != null) {
            Map<TopicPartition, Long> query = new HashMap<>();
            parts.forEach(tp -> query.put(tp, startAt.timestampMs()));
            consumer.offsetsForTimes(query, Duration.ofSeconds(10)).forEach((tp, ot) ->
                    start.put(tp, ot == null ? end.get(tp) : ot.offset()));
        }
        startAt.offsets().forEach((partition, offset) -> {
            TopicPartition tp = new TopicPartition(topic, partition);
            if (!end.containsKey(tp)) {
                throw new IllegalArgumentException("topic " + topic + " has no partition " + partition);
            }
            start.put(tp, Math.max(begin.get(tp), Math.min(offset, end.get(tp))));
        });
    }

    /**
     * The replay's consumer: committed records only, no group offsets. Public so that a benchmark
     * can read the same range with a bare consumer of the same settings.
     */
    public static Properties consumerProperties(Properties clientProps) {
        Properties p = new Properties();
        p.putAll(clientProps);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        return p;
    }

    /** The range replayed, as {@code partition:start-end} (end exclusive) per partition, in partition order. */
    public String range() {
        StringBuilder sb = new StringBuilder();
        new java.util.TreeMap<Integer, TopicPartition>(end.keySet().stream()
                .collect(java.util.stream.Collectors.toMap(TopicPartition::partition, tp -> tp))).forEach((p, tp) -> {
                    if (sb.length() > 0) {
                        sb.append(',');
                    }
                    sb.append(p).append(':').append(start.get(tp)).append('-').append(end.get(tp));
                });
        return sb.toString();
    }

    /** Records in the range (all models, valid or not). */
    public long rangeSize() {
        long n = 0;
        for (var e : end.entrySet()) {
            n += e.getValue() - start.get(e.getKey());
        }
        return n;
    }

    /** Records of other models or invalid ones, skipped in the last full read. */
    public long skipped() {
        return skipped;
    }

    /** Examples of the model in the range, as of the last full read. */
    public long total() {
        return total;
    }

    @Override
    public void readAll(Sink sink) {
        if (cache != null) {
            for (Cached c : cache) {
                sink.accept(c.x(), c.label(), c.vector(), c.position());
            }
            return;
        }
        List<Cached> filling = rangeSize() <= cacheLimit ? new ArrayList<>() : null;
        skipped = 0;
        total = 0;
        try (RangeFetcher fetched = new RangeFetcher(consumer, start, end)) {
            for (List<ConsumerRecord<byte[], byte[]>> batch; (batch = fetched.next()) != null; ) {
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    LabeledExample e = usable(r);
                    if (e == null) {
                        skipped++;
                        continue;
                    }
                    long pos = Holdout.position(r.partition(), r.offset());
                    total++;
                    double scalar = e.label() instanceof Label.Scalar s ? s.value() : Double.NaN;
                    double[] vector = e.label() instanceof Label.Vector v ? v.target() : null;
                    sink.accept(e.features(), scalar, vector, pos);
                    if (filling != null) {
                        filling.add(new Cached(e.features(), scalar, vector, pos));
                    }
                }
            }
        }
        cache = filling;
    }

    private LabeledExample usable(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return null;
        }
        try {
            LabeledExample e = decoder.decode(r);
            return e != null && model.equals(resolver.resolve(e.model(), r.key())) && valid.test(e) ? e : null;
        } catch (InvalidRecordException bad) {
            return null;
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
