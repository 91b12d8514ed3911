package io.streamlearn.cli;

import io.streamlearn.app.KafkaProperties;
import io.streamlearn.avro.DeadLetter;
import io.streamlearn.avro.DeadLetterHeader;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.AvroJson;
import io.streamlearn.codec.Codec;
import io.streamlearn.codec.Codecs;
import io.streamlearn.codec.HeaderNames;
import io.streamlearn.codec.InvalidRecordException;
import io.streamlearn.codec.ScoredEvent;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.kafka.Topics;
import io.streamlearn.snapshot.PublishedFigures;
import io.streamlearn.topology.DeadLetters;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Follows scored-events, weights or dead-letters and prints one readable line per record. */
@Command(name = "tail", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Follow scored-events, weights or dead-letters: one readable line per record (or its JSON with --json).")
final class TailCommand implements Callable<Integer> {
    enum Stream { SCORED_EVENTS, WEIGHTS, DEAD_LETTERS }

    @Parameters(index = "0", paramLabel = "TOPIC", description = "scored-events, weights or dead-letters (names from the config).")
    String which;

    @Mixin
    ConfigOptions options;

    @Option(names = "--from-beginning", description = "Start at the oldest record (default: only new ones).")
    boolean fromBeginning;

    @Option(names = {"-n", "--max"}, paramLabel = "N", description = "Stop after N records.")
    Long max;

    @Option(names = {"-t", "--timeout"}, paramLabel = "SECONDS", description = "Stop after this many seconds.")
    Double timeout;

    @Option(names = {"-m", "--model"}, paramLabel = "ID", description = "Only records of this model (scored-events, weights).")
    String model;

    @Option(names = "--json", description = "Print each record's value as JSON instead of a readable line.")
    boolean json;

    @Option(names = "--accuracy", description = "scored-events: compare with the true labels (header " + HeaderNames.TRUE_LABEL + ") and print the running accuracy.")
    boolean accuracy;

    private long compared;
    private long correct;

    @Override
    public Integer call() {
        Stream stream = parse(which);
        if (max != null && max < 1) {
            throw new UserError("--max must be at least 1");
        }
        if (timeout != null && timeout <= 0) {
            throw new UserError("--timeout must be positive");
        }
        if (accuracy && stream != Stream.SCORED_EVENTS) {
            throw new UserError("--accuracy only applies to scored-events");
        }
        StreamlearnConfig config = options.load();
        String topic = switch (stream) {
            case SCORED_EVENTS -> config.topics().scoredEvents();
            case WEIGHTS -> config.topics().weights();
            case DEAD_LETTERS -> config.topics().deadLetters();
        };
        KafkaAccess.connect(config);
        PrintStream out = System.out;
        Properties p = new Properties();
        p.putAll(KafkaProperties.common(config));
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + (long) (timeout * 1e9);
        long seen = 0;
        Codec<ScoredEvent> predictions = Topics.of(config).scoredEvents().codec();
        Codec<WeightSnapshot> snapshots = Topics.of(config).weights().codec();
        AvroJson<WeightSnapshot> snapshotJson = new AvroJson<>(WeightSnapshot.getClassSchema());
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo pi : c.partitionsFor(topic, Duration.ofSeconds(5))) {
                parts.add(new TopicPartition(topic, pi.partition()));
            }
            c.assign(parts);
            if (fromBeginning) {
                c.seekToBeginning(parts);
            } else {
                c.seekToEnd(parts);
                parts.forEach(c::position);
            }
            Thread main = Thread.currentThread();
            Runtime.getRuntime().addShutdownHook(new Thread(c::wakeup));
            while (System.nanoTime() < deadline && (max == null || seen < max)) {
                long left = Math.max(1, Math.min(500, (deadline - System.nanoTime()) / 1_000_000));
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(left))) {
                    String line = render(stream, r, predictions, snapshots, snapshotJson);
                    if (line == null) {
                        continue;
                    }
                    out.println(line);
                    seen++;
                    if (max != null && seen >= max) {
                        break;
                    }
                }
                out.flush();
            }
            if (main.isInterrupted()) {
                return 0;
            }
        } catch (org.apache.kafka.common.errors.WakeupException stopped) {
            return 0;
        }
        if (accuracy) {
            double acc = compared == 0 ? 0.0 : (double) correct / compared;
            if (json) {
                // With --json every line of stdout is a JSON document, the summary too.
                out.printf(Locale.ROOT, "{\"accuracy\":%s,\"correct\":%d,\"compared\":%d}%n", acc, correct, compared);
            } else {
                out.printf(Locale.ROOT, "accuracy %.4f (%d of %d scored events with a true label)%n", acc, correct, compared);
            }
        }
        return 0;
    }

    private static Stream parse(String which) {
        String w = which.toLowerCase(Locale.ROOT).replace('_', '-');
        return switch (w) {
            case "scored-events", "scored", "predictions" -> Stream.SCORED_EVENTS;
            case "weights" -> Stream.WEIGHTS;
            case "dead-letters", "dlq" -> Stream.DEAD_LETTERS;
            default -> throw new UserError("TOPIC must be scored-events, weights or dead-letters, got '" + which + "'");
        };
    }

    private String render(Stream stream, ConsumerRecord<byte[], byte[]> r, Codec<ScoredEvent> predictions,
                          Codec<WeightSnapshot> snapshots, AvroJson<WeightSnapshot> snapshotJson) {
        try {
            return switch (stream) {
                case SCORED_EVENTS -> renderScored(r, predictions);
                case WEIGHTS -> renderWeights(snapshots.decode(r.value()), snapshotJson);
                case DEAD_LETTERS -> renderDeadLetter(r);
            };
        } catch (InvalidRecordException e) {
            return "unreadable record at offset " + r.offset() + ": " + e.detail();
        }
    }

    private String renderScored(ConsumerRecord<byte[], byte[]> r, Codec<ScoredEvent> codec) {
        ScoredEvent p = codec.decode(r.value());
        if (model != null && !model.equals(p.model())) {
            return null;
        }
        String truth = header(r, HeaderNames.TRUE_LABEL);
        String verdict = "";
        if (accuracy && truth != null) {
            compared++;
            boolean ok = Double.parseDouble(truth) == p.label();
            if (ok) {
                correct++;
            }
            verdict = String.format(Locale.ROOT, "  true=%s %s  running accuracy %.4f (%d/%d)", truth, ok ? "ok" : "WRONG",
                    (double) correct / compared, correct, compared);
        }
        if (json) {
            return new String(Codecs.predictions(io.streamlearn.config.Format.JSON).encode(p), StandardCharsets.UTF_8);
        }
        return String.format(Locale.ROOT, "%s model=%s v%d id=%s label=%d output=%s%s",
                Instant.ofEpochMilli(p.timestamp()), p.model(), p.version(), p.id(), p.label(), fmt(p.output()), verdict);
    }

    private String renderWeights(WeightSnapshot s, AvroJson<WeightSnapshot> snapshotJson) {
        if (model != null && !model.equals(s.getModel())) {
            return null;
        }
        if (json) {
            return new String(snapshotJson.encode(s), StandardCharsets.UTF_8);
        }
        StringBuilder w = new StringBuilder();
        for (int l = 0; l < s.getLayers().size(); l++) {
            var layer = s.getLayers().get(l);
            w.append(l == 0 ? "" : " | ").append("W").append(l).append('=').append(fmt(layer.getWeights()))
                    .append(" b").append(l).append('=').append(fmt(layer.getBiases()));
        }
        return String.format(Locale.ROOT, "%s model=%s v%d %s examples=%d updates=%d accuracy=%s logloss=%s %s",
                Instant.ofEpochMilli(s.getCreatedAt()), s.getModel(), s.getVersion(), s.getSource(), s.getExamplesSeen(),
                s.getUpdatesApplied(), PublishedFigures.cell(PublishedFigures.accuracy(s)).trim(),
                PublishedFigures.cell(PublishedFigures.logLoss(s)).trim(), w);
    }

    private String renderDeadLetter(ConsumerRecord<byte[], byte[]> r) {
        String reason = header(r, DeadLetters.REASON);
        String detail = header(r, DeadLetters.DETAIL);
        String from = header(r, DeadLetters.TOPIC) + "-" + header(r, DeadLetters.PARTITION) + "@" + header(r, DeadLetters.OFFSET);
        if (json) {
            return new String(DEAD_LETTER_JSON.encode(deadLetter(r)), StandardCharsets.UTF_8);
        }
        String value = r.value() == null ? "null" : printable(r.value());
        return String.format(Locale.ROOT, "%s %s from %s: %s | value=%s", Instant.ofEpochMilli(r.timestamp()), reason, from,
                detail, value);
    }

    private static final AvroJson<DeadLetter> DEAD_LETTER_JSON = new AvroJson<>(DeadLetter.getClassSchema());

    /** The record as the DeadLetter schema describes it: its JSON form is Avro's JSON of that schema. */
    static DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> r) {
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

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static String fmt(double[] v) {
        return fmt(Arrays.stream(v).boxed().toList());
    }

    private static String fmt(List<Double> v) {
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
