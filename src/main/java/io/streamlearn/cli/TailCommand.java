package io.streamlearn.cli;

import io.streamlearn.app.KafkaProperties;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.Codec;
import io.streamlearn.codec.HeaderNames;
import io.streamlearn.codec.InvalidRecordException;
import io.streamlearn.codec.ScoredEvent;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.inspect.RecordLines;
import io.streamlearn.kafka.Topics;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
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
        RecordLines lines = new RecordLines(json);
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
                    String line = render(stream, r, predictions, snapshots, lines);
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
                          Codec<WeightSnapshot> snapshots, RecordLines lines) {
        try {
            return switch (stream) {
                case SCORED_EVENTS -> scored(r, predictions.decode(r.value()), lines);
                case WEIGHTS -> {
                    WeightSnapshot s = snapshots.decode(r.value());
                    yield model != null && !model.equals(s.getModel()) ? null : lines.weights(s);
                }
                case DEAD_LETTERS -> lines.deadLetter(r);
            };
        } catch (InvalidRecordException e) {
            return "unreadable record at offset " + r.offset() + ": " + e.detail();
        }
    }

    /** With --accuracy, counts the event against its true label and says so after the line. */
    private String scored(ConsumerRecord<byte[], byte[]> r, ScoredEvent p, RecordLines lines) {
        if (model != null && !model.equals(p.model())) {
            return null;
        }
        String truth = RecordLines.header(r, HeaderNames.TRUE_LABEL);
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
        return lines.scored(p, verdict);
    }
}
