package io.streamlearn.bench;

import io.streamlearn.app.KafkaProperties;
import io.streamlearn.app.StreamlearnApp;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.Format;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.eval.Prequential;
import io.streamlearn.model.ModelSpec;
import io.streamlearn.retrain.EpochStats;
import io.streamlearn.retrain.KafkaEpochSource;
import io.streamlearn.retrain.RetrainJob;
import io.streamlearn.retrain.RetrainPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * How fast {@code retrain} goes against how fast Kafka can be read: alternates (A) a bare consumer
 * reading the examples topic with the replay's consumer settings, bytes only, and (B) a retrain of
 * the same range ({@link RetrainJob}, nothing published), timing its first epoch (read from Kafka)
 * and the later ones (from memory when the range fits the buffer). Produces the examples first
 * when the topic holds fewer than asked.
 *
 * <pre>
 * java -cp target/streamlearn.jar io.streamlearn.bench.RetrainBench --bootstrap-servers 127.0.0.1:9092 \
 *     [--count 1000000] [--dims 10] [--batch-size 32] [--epochs 5] [--pairs 3] [--format json|avro] [--buffer N]
 * </pre>
 */
public final class RetrainBench {
    private final String bootstrap;
    private final int count;
    private final int dims;
    private final int batchSize;
    private final int epochs;
    private final int pairs;
    private final int buffer;
    private final Format format;

    private RetrainBench(Map<String, String> args) {
        bootstrap = args.getOrDefault("bootstrap-servers", "127.0.0.1:9092");
        count = Integer.parseInt(args.getOrDefault("count", "1000000"));
        dims = Integer.parseInt(args.getOrDefault("dims", "10"));
        batchSize = Integer.parseInt(args.getOrDefault("batch-size", "32"));
        epochs = Integer.parseInt(args.getOrDefault("epochs", "5"));
        pairs = Integer.parseInt(args.getOrDefault("pairs", "3"));
        buffer = Integer.parseInt(args.getOrDefault("buffer", Integer.toString(count)));
        format = Format.valueOf(args.getOrDefault("format", "json").toUpperCase(Locale.ROOT));
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            if (!argv[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value pairs, got " + argv[i]);
            }
            args.put(argv[i].substring(2), argv[i + 1]);
        }
        new RetrainBench(args).run();
        System.exit(0);
    }

    /** One pair's figures, in seconds. */
    private record Pair(double bareRead, double epoch1, double[] laterEpochs) {
        double laterMedian() {
            return BenchMedians.median(laterEpochs);
        }
    }

    private void run() throws Exception {
        String prefix = "retrain-bench-" + format.name().toLowerCase(Locale.ROOT) + "-d" + dims + "-n" + count + "-";
        StreamlearnConfig config = ConfigLoader.fromYaml("""
                defaultModel: bench
                models:
                  - id: bench
                    inputSize: %d
                    optimizer: {kind: adam, learningRate: 0.01}
                """.formatted(dims), Map.of("bootstrapServers", bootstrap, "topics.prefix", prefix,
                "maxFeatures", Integer.toString(dims + 1), "formats.examples", format.name().toLowerCase(Locale.ROOT)));
        StreamlearnApp.ensureTopics(config, Duration.ofSeconds(10));
        Properties client = new Properties();
        client.putAll(KafkaProperties.common(config));
        String topic = config.topics().examples();
        long have = endOffset(client, topic);
        if (have < count) {
            System.out.printf(Locale.ROOT, "producing %d examples (d = %d, %s) to '%s' ...%n", count - have, dims, format, topic);
            BenchData.produce(bootstrap, format, dims, (int) (count - have), topic, null);
        }
        System.out.printf(Locale.ROOT, "%s: %d records; load average %s%n", topic, endOffset(client, topic), loadAverage());
        List<Pair> results = new ArrayList<>();
        for (int i = 1; i <= pairs; i++) {
            double bare = bareRead(client, topic);
            System.out.printf(Locale.ROOT, "pair %d  A bare consumer  %.3f s  %,.0f records/s%n", i, bare, count / bare);
            Pair p = retrain(config, client, bare);
            System.out.printf(Locale.ROOT, "pair %d  B retrain        epoch 1 %.3f s (%.2fx the bare read)  later epochs %s s, median %,.0f examples/s%n",
                    i, p.epoch1(), p.epoch1() / bare, joined(p.laterEpochs()), count / p.laterMedian());
            results.add(p);
        }
        double bare = BenchMedians.median(results.stream().mapToDouble(Pair::bareRead).toArray());
        double first = BenchMedians.median(results.stream().mapToDouble(Pair::epoch1).toArray());
        double later = BenchMedians.median(results.stream().mapToDouble(Pair::laterMedian).toArray());
        double ratio = BenchMedians.median(results.stream().mapToDouble(p -> p.epoch1() / p.bareRead()).toArray());
        System.out.printf(Locale.ROOT, "%nmedians of %d pairs (%d examples, d = %d, batch %d, %s; load average now %s)%n", pairs, count,
                dims, batchSize, format, loadAverage());
        System.out.printf(Locale.ROOT, "bare consumer read      %8.3f s  %,12.0f records/s%n", bare, count / bare);
        System.out.printf(Locale.ROOT, "retrain epoch 1         %8.3f s  %,12.0f examples/s  %.2fx the bare read (median of the pairs' ratios)%n",
                first, count / first, ratio);
        System.out.printf(Locale.ROOT, "retrain epochs 2..%d     %8.3f s  %,12.0f examples/s%n", epochs, later, count / later);
    }

    /** Seconds to read the whole topic once with the replay's consumer settings, bytes only. */
    private static double bareRead(Properties client, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(KafkaEpochSource.consumerProperties(client),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(topic, Duration.ofSeconds(10)).forEach(pi -> parts.add(new TopicPartition(topic, pi.partition())));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts, Duration.ofSeconds(10));
            // Timed from here, as a retrain's first epoch is timed from when its source has its range.
            long t0 = System.nanoTime();
            long bytes = 0;
            while (!done(consumer, end)) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                for (var r : records) {
                    bytes += r.value().length;
                }
            }
            if (bytes == 0) {
                throw new IllegalStateException("read nothing from " + topic);
            }
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    private static boolean done(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (var e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Times a retrain, without publishing: from the start of the first epoch to each epoch's end. */
    private Pair retrain(StreamlearnConfig config, Properties client, double bare) {
        RetrainPlan plan = new RetrainPlan(epochs, batchSize, false, 42, 0, buffer);
        long[] ends = new long[epochs + 1];
        RetrainJob.Report timing = new RetrainJob.Report() {
            @Override
            public void starting(String model, long records, ModelSpec spec) {
                ends[0] = System.nanoTime();
            }

            @Override
            public void epoch(EpochStats stats, Prequential test) {
                ends[stats.epoch()] = System.nanoTime();
            }

            @Override
            public boolean wantsTest(int epoch) {
                return false;
            }
        };
        new RetrainJob(config, client).run(new RetrainJob.Request("bench", plan, KafkaEpochSource.StartAt.beginning(),
                UnaryOperator.identity(), false, false, Duration.ZERO), timing);
        double[] later = new double[epochs - 1];
        for (int e = 2; e <= epochs; e++) {
            later[e - 2] = (ends[e] - ends[e - 1]) / 1e9;
        }
        return new Pair(bare, (ends[1] - ends[0]) / 1e9, later);
    }

    private static long endOffset(Properties client, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(KafkaEpochSource.consumerProperties(client),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(topic, Duration.ofSeconds(10)).forEach(pi -> parts.add(new TopicPartition(topic, pi.partition())));
            return consumer.endOffsets(parts, Duration.ofSeconds(10)).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    private static String joined(double[] values) {
        StringBuilder b = new StringBuilder();
        for (double v : values) {
            b.append(b.length() == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%.3f", v));
        }
        return b.toString();
    }
}
