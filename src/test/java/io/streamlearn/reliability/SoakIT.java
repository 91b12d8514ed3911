package io.streamlearn.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.Codec;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.kafka.Topics;
import io.streamlearn.learn.OnlineLearner;
import io.streamlearn.testing.RunsAlone;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The learner as operators run it, for long enough that its stores reach disk, killed the way
 * production kills it: the jar in a process of its own, a broker in another, examples and events
 * fed by an outside client (kcat, where installed), the learner SIGKILLed {@value #DEFAULT_KILLS}
 * times and the broker once. Each kill is placed by construction: the examples topic holds only
 * the stream up to a drawn point plus a drawn slack, and the learner is killed when its committed
 * offset reaches the point (so it cannot have finished the stream), or as soon as it reports that
 * it is restoring a store. Then it must end exactly where a run never killed ends: every example
 * learned once, weights bit-identical, versions strictly increasing and never reused, every event
 * scored once.
 *
 * <p>The short form (CI) publishes 20,000 snapshots: past the 10,000 records after which Kafka
 * Streams writes a global store to disk, which is when a SIGKILLed learner with a RocksDB global
 * store could never start again. {@code -Pstress} runs 1,000,000 examples.
 * Sizes: -Dstreamlearn.soak.examples, -Dstreamlearn.soak.kills, -Dstreamlearn.soak.snapshotEvery.
 */
@RunsAlone
class SoakIT {
    private static final Logger LOG = LoggerFactory.getLogger(SoakIT.class);
    private static final int DEFAULT_KILLS = 6;
    private static final int N = Integer.getInteger("streamlearn.soak.examples", 100_000);
    private static final int KILLS = Integer.getInteger("streamlearn.soak.kills", DEFAULT_KILLS);
    private static final int SNAPSHOT_EVERY = Integer.getInteger("streamlearn.soak.snapshotEvery", 5);
    private static final int EVENT_EVERY = 20;
    private static final int INPUTS = 10;
    private static final String MODEL = "soak";
    private static final ObjectMapper JSON = new ObjectMapper();

    private enum KillAt { COMMITTED_OFFSET, RESTORING }

    @Test
    void killedRepeatedlyAndTheBrokerOnceItEndsAsARunNeverKilled(@TempDir Path dir) throws Exception {
        assertEquals(0, N % SNAPSHOT_EVERY, "the stream ends on a snapshot");
        Path logs = Files.createDirectories(Path.of("target", "crash-logs", "soak"));
        ChildBroker broker = new ChildBroker(dir.resolve("broker-data"), logs).start();
        try {
            run(broker, dir, logs);
        } finally {
            broker.stop();
        }
    }

    private void run(ChildBroker broker, Path dir, Path logs) throws Exception {
        Path configFile = dir.resolve("soak.yaml");
        Files.writeString(configFile, """
                applicationId: soak
                defaultModel: soak
                formats: {examples: json, events: json, scoredEvents: json}
                models:
                  - id: soak
                    inputSize: %d
                    layers: [{units: 8, activation: tanh}, {units: 1, activation: sigmoid}]
                    loss: binary_cross_entropy
                    optimizer: {kind: adam, learningRate: 0.01}
                    seed: 11
                    update: {mode: stochastic}
                    snapshot: {everyUpdates: %d, everyMs: 100000000000000}
                """.formatted(INPUTS, SNAPSHOT_EVERY));
        StreamlearnConfig config = ConfigLoader.load(configFile, Map.of("bootstrapServers", broker.bootstrapServers()));
        Random chaos = new Random(Long.getLong("streamlearn.soak.seed", 20261204L));
        Stream stream = new Stream(N, new Random(5));
        // The topics as the learner creates them (a user's own would do as well).
        io.streamlearn.app.StreamlearnApp.ensureTopics(config, Duration.ofSeconds(30));
        Feed feed = new Feed(config, stream, dir);

        // Kill points, drawn over the stream; about one kill in three lands on a restoration instead.
        long[] points = new long[KILLS];
        for (int k = 0; k < KILLS; k++) {
            points[k] = (long) (N * (0.05 + 0.85 * chaos.nextDouble()));
        }
        java.util.Arrays.sort(points);
        int brokerKillAt = chaos.nextInt(KILLS);
        List<String> kills = new ArrayList<>();
        Path state = dir.resolve("state");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            feed.upTo(Math.min(N, points[0] + 1));
            for (int k = 0; k < KILLS; k++) {
                KillAt how = k > 0 && chaos.nextInt(3) == 0 ? KillAt.RESTORING : KillAt.COMMITTED_OFFSET;
                long slack = chaos.nextInt(2_000);
                feed.upTo(Math.min(N, points[k] + slack));
                ChildLearner child = ChildLearner.startJar(configFile, broker.bootstrapServers(), state, logs, k);
                if (how == KillAt.RESTORING) {
                    child.awaitLogLine("Restoring ");
                    child.kill();
                    kills.add("restoring (" + (child.log().contains("Restored ") ? "a first store restored" : "nothing restored yet") + ")");
                    continue;
                }
                child.awaitRunning();
                awaitCommitted(admin, config, points[k], child);
                if (k == brokerKillAt) {
                    broker.kill();
                    Thread.sleep(3_000);
                    broker.start();
                    // The learner carries on by itself once the broker is back.
                    awaitCommitted(admin, config, feed.produced(), child);
                    kills.add("broker at " + points[k]);
                }
                child.kill();
                feed.startEvents();
                kills.add("learner at " + committed(admin, config) + " (point " + points[k] + ", fed " + feed.produced() + ")");
            }
            feed.upTo(N);
            ChildLearner last = ChildLearner.startJar(configFile, broker.bootstrapServers(), state, logs, KILLS).awaitRunning();
            try {
                awaitCommitted(admin, config, N, last);
            } finally {
                last.stop();
            }
        }
        LOG.info("soak: {} examples, kills: {}", N, kills);
        for (long p : points) {
            assertTrue(p < N, "every kill point lies inside the stream");
        }

        OnlineLearner reference = OnlineLearner.fresh(config.model(MODEL));
        for (int i = 0; i < N; i++) {
            reference.learn(stream.features(i), stream.label(i), null, 0);
        }

        List<WeightSnapshot> snapshots = readWeights(config);
        WeightSnapshot fin = snapshots.get(snapshots.size() - 1);
        assertEquals(N, fin.getExamplesSeen(), "every example learned exactly once");
        assertEquals(reference.network().updatesApplied(), fin.getUpdatesApplied(), "updates applied");
        assertEquals(reference.metrics().correct(), fin.getMetrics().getCorrect(), "prequential verdicts");
        for (int l = 0; l < reference.network().layerCount(); l++) {
            double[] w = reference.network().weights(l);
            double[] b = reference.network().biases(l);
            for (int i = 0; i < w.length; i++) {
                assertEquals(Double.doubleToRawLongBits(w[i]),
                        Double.doubleToRawLongBits(fin.getLayers().get(l).getWeights().get(i)), "layer " + l + " weight " + i);
            }
            for (int i = 0; i < b.length; i++) {
                assertEquals(Double.doubleToRawLongBits(b[i]),
                        Double.doubleToRawLongBits(fin.getLayers().get(l).getBiases().get(i)), "layer " + l + " bias " + i);
            }
        }
        // 'weights' is compacted: the cleaner may have dropped older versions, never reordered them.
        for (int i = 1; i < snapshots.size(); i++) {
            assertTrue(snapshots.get(i).getVersion() > snapshots.get(i - 1).getVersion(),
                    "versions strictly increasing: " + snapshots.get(i - 1).getVersion() + " then " + snapshots.get(i).getVersion());
        }
        assertEquals(N / SNAPSHOT_EVERY, fin.getVersion(), "one version per " + SNAPSHOT_EVERY + " updates, none skipped or reused");

        Map<String, Integer> scored = readScoredIds(config, stream.events());
        List<String> wrong = new ArrayList<>();
        for (int j = feed.firstEvent; j < stream.events(); j++) {
            int times = scored.getOrDefault("e" + j, 0);
            if (times != 1) {
                wrong.add("e" + j + " x" + times);
            }
        }
        assertTrue(wrong.isEmpty(), "every event scored exactly once; not so: "
                + wrong.subList(0, Math.min(20, wrong.size())) + (wrong.size() > 20 ? " ..." : ""));
        assertEquals(stream.events() - feed.firstEvent, scored.size(), "no other scored events");
        assertEquals(0, readAll(config, config.topics().deadLetters()).size(), "nothing dead-lettered");
        LOG.info("soak: {} examples learned once, {} versions ({} still on the compacted topic, strictly increasing), "
                + "{} events scored once, weights bit-identical", fin.getExamplesSeen(), fin.getVersion(), snapshots.size(),
                stream.events() - feed.firstEvent);
    }

    /** The examples (and one event every {@value #EVENT_EVERY} examples), the same bits every run. */
    private static final class Stream {
        private final double[][] x;
        private final int[] y;

        Stream(int n, Random r) {
            x = new double[n][INPUTS];
            y = new int[n];
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < INPUTS; j++) {
                    x[i][j] = Math.round(r.nextGaussian() * 1e6) / 1e6; // what a JSON line carries exactly
                    s += (j % 2 == 0 ? 1 : -0.5) * x[i][j];
                }
                y[i] = s > 0 ? 1 : 0;
            }
        }

        double[] features(int i) {
            return x[i];
        }

        int label(int i) {
            return y[i];
        }

        int events() {
            return x.length / EVENT_EVERY;
        }
    }

    /**
     * Appends the stream to 'examples' and 'events' up to a point, with kcat as an outside
     * client where it is installed (else a Kafka producer), and checks the topic's end offset:
     * a record the client failed to write would otherwise go unnoticed.
     */
    private static final class Feed {
        private final StreamlearnConfig config;
        private final Stream stream;
        private final Path dir;
        private int produced;
        private int stage;
        private int firstEvent = -1;

        /**
         * Events from here on: a learner has committed weights by now, so none is dead-lettered
         * for want of a model (BadInputIT's subject, not this one's).
         */
        void startEvents() {
            if (firstEvent < 0) {
                firstEvent = (produced + EVENT_EVERY - 1) / EVENT_EVERY;
            }
        }

        Feed(StreamlearnConfig config, Stream stream, Path dir) {
            this.config = config;
            this.stream = stream;
            this.dir = dir;
        }

        long produced() {
            return produced;
        }

        void upTo(long end) throws Exception {
            if (end <= produced) {
                return;
            }
            StringBuilder examples = new StringBuilder();
            StringBuilder events = new StringBuilder();
            int eventsBefore = Math.max(produced / EVENT_EVERY, firstEvent);
            for (int i = produced; i < end; i++) {
                Map<String, Object> e = new HashMap<>();
                e.put("id", "x" + i);
                e.put("features", stream.features(i));
                e.put("label", stream.label(i));
                examples.append(JSON.writeValueAsString(e)).append('\n');
            }
            int eventsAfter = firstEvent < 0 ? 0 : (int) (end / EVENT_EVERY);
            for (int j = eventsBefore; j < eventsAfter; j++) {
                Map<String, Object> e = new HashMap<>();
                e.put("id", "e" + j);
                e.put("features", stream.features(j * EVENT_EVERY));
                events.append(JSON.writeValueAsString(e)).append('\n');
            }
            send(config.topics().examples(), examples.toString(), end);
            send(config.topics().events(), events.toString(), Math.max(0, eventsAfter - firstEvent));
            produced = (int) end;
            stage++;
        }

        private void send(String topic, String lines, long expectedEnd) throws Exception {
            if (lines.isEmpty()) {
                return;
            }
            Path file = dir.resolve(topic + "-" + stage + ".jsonl");
            Files.writeString(file, lines);
            if (Files.isExecutable(Path.of("/usr/bin/kcat"))) {
                Process p = new ProcessBuilder("/usr/bin/kcat", "-P", "-b", config.bootstrapServers(), "-t", topic,
                        "-X", "enable.idempotence=true", "-l", file.toString())
                        .redirectErrorStream(true).redirectOutput(dir.resolve("kcat.log").toFile()).start();
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), "kcat finished");
                assertEquals(0, p.exitValue(), "kcat: " + tail(Files.readString(dir.resolve("kcat.log"))));
            } else {
                Properties props = new Properties();
                props.put("bootstrap.servers", config.bootstrapServers());
                props.put("enable.idempotence", "true");
                try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(props,
                        new org.apache.kafka.common.serialization.ByteArraySerializer(),
                        new org.apache.kafka.common.serialization.ByteArraySerializer())) {
                    io.streamlearn.kafka.Deliveries delivered = new io.streamlearn.kafka.Deliveries();
                    for (String line : lines.split("\n")) {
                        producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic,
                                line.getBytes(StandardCharsets.UTF_8)), delivered);
                    }
                    producer.flush();
                    delivered.check();
                }
            }
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", config.bootstrapServers()))) {
                TopicPartition tp = new TopicPartition(topic, 0);
                long endOffset = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get().get(tp).offset();
                assertEquals(expectedEnd, endOffset, topic + " holds the stream up to " + expectedEnd + ", no more, no less");
            }
        }
    }

    private static void awaitCommitted(Admin admin, StreamlearnConfig config, long target, ChildLearner child) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(120, N / 2_000));
        while (committed(admin, config) < target) {
            if (!child.isAlive()) {
                throw new AssertionError("the learner exited before offset " + target + ":\n" + tail(child.log()));
            }
            if (System.nanoTime() > deadline) {
                String report = StallReport.of(child, config);
                throw new AssertionError("the learner did not reach offset " + target + " (at " + committed(admin, config) + ")"
                        + report + "\n--- its log:\n" + tail(child.log()));
            }
            Thread.sleep(10);
        }
    }

    private static long committed(Admin admin, StreamlearnConfig config) throws Exception {
        try {
            var offsets = admin.listConsumerGroupOffsets(config.applicationId()).partitionsToOffsetAndMetadata()
                    .get(5, TimeUnit.SECONDS);
            var o = offsets.get(new TopicPartition(config.topics().examples(), 0));
            return o == null ? 0 : o.offset();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return -1; // the broker is restarting
        }
    }

    private static List<WeightSnapshot> readWeights(StreamlearnConfig config) {
        Codec<WeightSnapshot> codec = Topics.of(config).weights().codec();
        List<WeightSnapshot> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(config, config.topics().weights())) {
            out.add(codec.decode(r.value()));
        }
        return out;
    }

    private static Map<String, Integer> readScoredIds(StreamlearnConfig config, int expected) throws IOException {
        Map<String, Integer> ids = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(config, config.topics().scoredEvents())) {
            JsonNode n = JSON.readTree(r.value());
            ids.merge(n.get("id").asText(), 1, Integer::sum);
        }
        return ids;
    }

    /** Every committed record of a one-partition topic, up to its end. */
    private static List<ConsumerRecord<byte[], byte[]>> readAll(StreamlearnConfig config, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (c.position(tp) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    out.add(r);
                }
            }
            assertTrue(c.position(tp) >= end, "read " + topic + " to its end");
        }
        return out;
    }

    private static String tail(String log) {
        return log.length() > 6000 ? log.substring(log.length() - 6000) : log;
    }
}
