package io.streamlearn.bench;

import io.streamlearn.app.KafkaProperties;
import io.streamlearn.app.StreamlearnApp;
import io.streamlearn.app.StreamsSettings;
import io.streamlearn.codec.Codec;
import io.streamlearn.codec.Codecs;
import io.streamlearn.codec.Event;
import io.streamlearn.codec.LabeledExample;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.Format;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.config.TopicNames;
import io.streamlearn.kafka.Deliveries;
import io.streamlearn.kafka.TopicAdmin;
import io.streamlearn.topology.TopologyListener;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;

/**
 * Measures, on one broker and in one run, what the learner achieves next to what any Kafka
 * Streams application achieves here: (a) a pass-through topology with the same serdes and
 * guarantee, (b) training in each update mode, (c) scoring, (d) produce-to-scored-event latency.
 * Throughput is records consumed (committed) per second from the moment the application runs.
 */
public final class BenchRunner {
    /** What to measure; {@code format} is the records' format on every topic the learner reads and writes. */
    public record Plan(int count, int dims, int partitions, List<String> guarantees, List<String> modes,
                       double latencyRate, int latencySeconds, Path stateDir, Format format, int rounds, int outsidePairs) {
    }

    private final String bootstrap;
    private final Plan plan;
    private final PrintStream log;
    private final List<BenchResult> results = new ArrayList<>();
    private final List<LatencyResult> latencies = new ArrayList<>();
    private final List<OutsideResult> outside = new ArrayList<>();
    private int runs;
    /** The round being measured, from 1: every row is measured once per round (the JVM warm after the first). */
    private int round;

    public BenchRunner(String bootstrap, Plan plan, PrintStream log) {
        this.bootstrap = bootstrap;
        this.plan = plan;
        this.log = log;
    }

    public List<BenchResult> results() {
        return results;
    }

    public List<LatencyResult> latencies() {
        return latencies;
    }

    /** The separate-process pairs, in the order run. */
    public List<OutsideResult> outside() {
        return outside;
    }

    public void run() throws Exception {
        StreamlearnConfig base = config("bench-setup", "stochastic", plan.guarantees().get(0));
        String examples = "bench-examples";
        String events = "bench-events";
        try (TopicAdmin admin = new TopicAdmin(KafkaProperties.common(base), Duration.ofSeconds(30))) {
            admin.ensure(List.of(new TopicAdmin.TopicSpec(examples, plan.partitions(), (short) 1, false),
                    new TopicAdmin.TopicSpec(events, plan.partitions(), (short) 1, false)));
        }
        log.printf("producing %d examples and %d events (d = %d) ...%n", plan.count(), plan.count(), plan.dims());
        produce(examples, events);
        // Warm-up, not recorded: the first application in a JVM runs on cold code.
        log.println("warming up ...");
        measure(plan.guarantees().get(0), "warm-up", passThrough(plan.guarantees().get(0), examples), examples, -1);
        StreamlearnConfig warm = withTopics(config("bench-" + (++runs), "stochastic", plan.guarantees().get(0)), examples,
                "bench-unused-events-" + runs);
        measureApp(plan.guarantees().get(0), "warm-up", warm, examples, -1);
        results.clear();
        String weights = null;
        for (round = 1; round <= plan.rounds(); round++) {
            if (plan.rounds() > 1) {
                log.printf("round %d of %d%n", round, plan.rounds());
            }
            weights = measureRound(examples, events);
        }
        if (plan.outsidePairs() > 0) {
            measureOutside(examples, events, weights);
        }
    }

    /**
     * The learner and the pass-through as processes of their own, alternating A B A B on the same
     * records, each timed from its launch: what the in-JVM rows leave out (JVM start, the
     * learner's own start-up) and what they may flatter (the processes share no JIT or heap).
     */
    private void measureOutside(String examples, String events, String weights) throws Exception {
        log.printf("outside: the pass-through (A) and the learner (B) as separate processes, %d pairs per row%n", plan.outsidePairs());
        try (OutsideRuns processes = new OutsideRuns(bootstrap, plan.stateDir())) {
            for (String g : plan.guarantees()) {
                for (int pair = 1; pair <= plan.outsidePairs(); pair++) {
                    StreamlearnConfig scoring = withWeights(withTopics(config("bench-" + (++runs), "stochastic", g),
                            "bench-unused-examples-" + runs, events), weights);
                    outsidePair(processes, pair, g, "score", scoring, events);
                    StreamlearnConfig training = withTopics(config("bench-" + (++runs), "stochastic", g), examples,
                            "bench-unused-events-" + runs);
                    outsidePair(processes, pair, g, "train stochastic", training, examples);
                }
            }
        }
    }

    private void outsidePair(OutsideRuns processes, int pair, String guarantee, String workload, StreamlearnConfig learner,
                             String input) throws Exception {
        StreamlearnConfig pt = config("bench-" + (++runs), "stochastic", guarantee);
        String out = pt.applicationId() + "-out";
        try (TopicAdmin admin = new TopicAdmin(KafkaProperties.common(pt), Duration.ofSeconds(30))) {
            admin.ensure(List.of(new TopicAdmin.TopicSpec(out, plan.partitions(), (short) 1, false)));
        }
        OutsideRuns.Timing a = processes.passThrough(pt, input, out);
        OutsideRuns.Timing b = processes.learner(learner, modelsYaml("stochastic"), input);
        long n = plan.count();
        OutsideResult r = new OutsideResult(pair, guarantee, workload, n, a.firstCommit(), a.done(), b.firstCommit(), b.done(),
                b.fromStart(n) / a.fromStart(n), b.afterFirstCommit(n) / a.afterFirstCommit(n), a.firstCommitCpu(), b.firstCommitCpu());
        outside.add(r);
        log.printf("%-16s %-17s pair %d: pass-through first commit %.2f s (%.2f CPU s), done %.2f s; learner first commit %.2f s"
                        + " (%.2f CPU s), done %.2f s; ratio %.2f from start, %.2f after the first commit; load %s%n", guarantee,
                workload, pair, a.firstCommit(), a.firstCommitCpu(), a.done(), b.firstCommit(), b.firstCommitCpu(), b.done(),
                r.ratioFromStart(), r.ratioAfterFirstCommit(), loadAverage());
    }

    /** Measures every row once; returns the weights topic a trained model published to. */
    private String measureRound(String examples, String events) throws Exception {
        String weightsOfTrained = null;
        for (String g : plan.guarantees()) {
            double ceiling = measure(g, "pass-through", passThrough(g, examples), examples, -1);
            for (String mode : plan.modes()) {
                StreamlearnConfig c = withTopics(config("bench-" + (++runs), mode, g), examples, "bench-unused-events-" + runs);
                measureApp(g, "train " + mode, c, examples, ceiling);
                weightsOfTrained = c.topics().weights();
            }
            StreamlearnConfig scoring = withTopics(config("bench-" + (++runs), "stochastic", g), "bench-unused-examples-" + runs, events);
            scoring = withWeights(scoring, weightsOfTrained);
            double scoringCeiling = measure(g, "pass-through (events)", passThrough(g, events), events, -1);
            measureApp(g, "score", scoring, events, scoringCeiling);
            latency(g, weightsOfTrained, plan.latencyRate(), true);
            latency(g, weightsOfTrained, plan.latencyRate(), false);
            latency(g, weightsOfTrained, 0, true);
            latency(g, weightsOfTrained, 0, false);
        }
        return weightsOfTrained;
    }

    private StreamlearnConfig config(String appId, String mode, String guarantee) {
        String yaml = modelsYaml(mode);
        String format = plan.format().name().toLowerCase(java.util.Locale.ROOT);
        Map<String, String> overrides = new java.util.HashMap<>(Map.of("applicationId", appId, "bootstrapServers", bootstrap,
                "topics.prefix", appId + "-", "topics.partitions", Integer.toString(plan.partitions()),
                "processingGuarantee", guarantee, "commitIntervalMs", "100", "maxFeatures", Integer.toString(plan.dims() + 1),
                "stateDir", plan.stateDir().resolve(appId).toString()));
        overrides.putAll(Map.of("formats.examples", format, "formats.events", format, "formats.scoredEvents", format));
        return ConfigLoader.fromYaml(yaml, overrides);
    }

    /** The one model every row trains or scores with, in {@code mode}. */
    private String modelsYaml(String mode) {
        String update = switch (mode) {
            case "count" -> "{mode: count, batchSize: 32}";
            case "window" -> "{mode: window, windowMs: 100}";
            default -> "{mode: stochastic}";
        };
        return """
                models:
                  - id: default
                    inputSize: %d
                    optimizer: {kind: adam, learningRate: 0.01}
                    update: %s
                    snapshot: {everyUpdates: %d, everyMs: 1000}
                """.formatted(plan.dims(), update, snapshotEvery());
    }

    /**
     * A snapshot every 10,000 updates; for short streams (under 100,000) every tenth of the stream,
     * so that the trained model is published and the scoring rows have weights to score with.
     */
    private int snapshotEvery() {
        return Math.max(1, Math.min(10_000, plan.count() / 10));
    }

    private static StreamlearnConfig withTopics(StreamlearnConfig c, String examples, String events) {
        TopicNames t = c.topics();
        return c.withTopics(new TopicNames(examples, events, t.scoredEvents(), t.weights(), t.deadLetters(), t.requests(),
                t.weightsHistory(), t.drift(), t.catalogue()));
    }

    private static StreamlearnConfig withWeights(StreamlearnConfig c, String weights) {
        TopicNames t = c.topics();
        return c.withTopics(new TopicNames(t.examples(), t.events(), t.scoredEvents(), weights, t.deadLetters(), t.requests(),
                t.weightsHistory(), t.drift(), t.catalogue()));
    }

    private void produce(String examples, String events) {
        BenchData.produce(bootstrap, plan.format(), plan.dims(), plan.count(), examples, events);
    }

    /** A Kafka Streams application, its id and the topic it writes. */
    private record Streams(KafkaStreams streams, String applicationId, String output) {
    }

    /** A topology with the same bytes-in/bytes-out serdes and guarantee, that only copies each value. */
    private Streams passThrough(String guarantee, String input) {
        StreamlearnConfig c = config("bench-" + (++runs), "stochastic", guarantee);
        String out = c.applicationId() + "-out";
        try (TopicAdmin admin = new TopicAdmin(KafkaProperties.common(c), Duration.ofSeconds(30))) {
            admin.ensure(List.of(new TopicAdmin.TopicSpec(out, plan.partitions(), (short) 1, false)));
        }
        Topology t = PassThroughApp.topology(input, out);
        return new Streams(new KafkaStreams(t, StreamsSettings.from(c)), c.applicationId(), out);
    }

    private double measure(String guarantee, String workload, Streams app, String input, double ceiling)
            throws Exception {
        KafkaStreams streams = app.streams();
        startAndAwaitRunning(streams);
        double secs = awaitConsumed(app.applicationId(), input);
        streams.close(Duration.ofSeconds(30));
        return record(guarantee, workload, secs, ceiling);
    }

    private void measureApp(String guarantee, String workload, StreamlearnConfig c, String input, double ceiling)
            throws Exception {
        try (StreamlearnApp app = StreamlearnApp.start(c, TopologyListener.NONE, Duration.ofSeconds(60))) {
            double secs = awaitConsumed(c.applicationId(), input);
            record(guarantee, workload, secs, ceiling);
        }
    }

    private double record(String guarantee, String workload, double secs, double ceiling) {
        double rate = plan.count() / secs;
        BenchResult r = new BenchResult(round, guarantee, workload, plan.count(), secs, rate, ceiling > 0 ? rate / ceiling : 1.0,
                Memory.heapMb(), Memory.rssMb());
        results.add(r);
        log.printf("%-16s %-24s %10.0f records/s  (%.2fx)%n", guarantee, workload, rate, r.ratioToPassThrough());
        return rate;
    }

    /** Seconds from now until the group has committed every input record. */
    private double awaitConsumed(String group, String topic) throws Exception {
        long t0 = System.nanoTime();
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(p)) {
            Map<TopicPartition, OffsetSpec> q = new java.util.HashMap<>();
            for (int i = 0; i < plan.partitions(); i++) {
                q.put(new TopicPartition(topic, i), OffsetSpec.latest());
            }
            long end = 0;
            for (var e : admin.listOffsets(q).all().get().values()) {
                end += e.offset();
            }
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (System.nanoTime() < deadline) {
                long done = 0;
                for (Map.Entry<TopicPartition, OffsetAndMetadata> e
                        : admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet()) {
                    if (e.getKey().topic().equals(topic) && e.getValue() != null) {
                        done += e.getValue().offset();
                    }
                }
                if (done >= end) {
                    return (System.nanoTime() - t0) / 1e9;
                }
                Thread.sleep(20);
            }
        }
        throw new IllegalStateException(group + " did not consume " + topic + " within 10 minutes");
    }

    /** A running application whose output the latency run reads. */
    private record Running(KafkaStreams streams, String output, AutoCloseable closer) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            closer.close();
        }
    }

    /**
     * Events at a fixed rate (0: as fast as possible) through a running learner ({@code passThrough}
     * false) or through the pass-through topology with the same guarantee; latency to the output
     * record. The pass-through's latency is the floor any Kafka Streams application has here.
     */
    private void latency(String guarantee, String weights, double rate, boolean passThrough) throws Exception {
        String eventsTopic = "bench-latency-" + (++runs);
        StreamlearnConfig c = withWeights(withTopics(config("bench-" + runs, "stochastic", guarantee),
                "bench-unused-examples-" + runs, eventsTopic), weights);
        try (TopicAdmin admin = new TopicAdmin(KafkaProperties.common(c), Duration.ofSeconds(30))) {
            admin.ensure(List.of(new TopicAdmin.TopicSpec(eventsTopic, plan.partitions(), (short) 1, false)));
        }
        int n = rate > 0 ? (int) (rate * plan.latencySeconds()) : Math.max(1000, plan.count() / 10);
        long[] lat = new long[n];
        int seen = 0;
        double[] commit = {Double.NaN, Double.NaN};
        try (Running app = passThrough ? startPassThrough(guarantee, eventsTopic) : startLearner(c);
             KafkaConsumer<byte[], byte[]> consumer = consumer(c);
             KafkaProducer<byte[], byte[]> producer = latencyProducer()) {
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(app.output()).forEach(pi -> parts.add(new TopicPartition(pi.topic(), pi.partition())));
            consumer.assign(parts);
            consumer.seekToEnd(parts);
            parts.forEach(consumer::position);
            Codec<Event> ev = Codecs.events(plan.format(), plan.dims());
            double[] x = new double[plan.dims()];
            long t0 = System.nanoTime();
            Deliveries sent = new Deliveries();
            Thread sender = new Thread(() -> {
                for (int i = 0; i < n; i++) {
                    if (rate > 0) {
                        // Sleep, never spin, until the send is due: on two cores a spinning sender
                        // would take a whole core from the broker and the application it measures.
                        long due = t0 + (long) (i / rate * 1e9);
                        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                            java.util.concurrent.locks.LockSupport.parkNanos(wait);
                        }
                    }
                    producer.send(new ProducerRecord<>(eventsTopic, null, System.currentTimeMillis(),
                            Integer.toString(i).getBytes(), ev.encode(new Event("l" + i, null, x))), sent);
                }
                producer.flush();
            }, "bench-latency-sender");
            sender.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(plan.latencySeconds() + 120L);
            while (seen < n && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (seen < n) {
                        lat[seen++] = System.currentTimeMillis() - r.timestamp();
                    }
                }
            }
            sender.join();
            sent.check();
            app.streams().metrics().forEach((name, metric) -> {
                if (name.group().equals("stream-thread-metrics") && metric.metricValue() instanceof Double v) {
                    if (name.name().equals("commit-latency-avg")) {
                        commit[0] = v;
                    } else if (name.name().equals("commit-latency-max")) {
                        commit[1] = v;
                    }
                }
            });
        }
        long[] got = Arrays.copyOf(lat, seen);
        Arrays.sort(got);
        LatencyResult l = new LatencyResult(round, guarantee, passThrough ? "pass-through" : "score", rate, seen, pct(got, 0.5), pct(got, 0.99),
                got.length == 0 ? Double.NaN : got[got.length - 1], commit[0], commit[1]);
        latencies.add(l);
        log.printf("%-16s %s latency at %s: p50 %.0f ms, p99 %.0f ms, max %.0f ms (%d events); commit avg %.1f ms, max %.1f ms%n",
                guarantee, l.workload(), rate > 0 ? String.format("%.0f/s", rate) : "full speed", l.p50Ms(), l.p99Ms(), l.maxMs(), seen,
                l.commitAvgMs(), l.commitMaxMs());
    }

    private Running startLearner(StreamlearnConfig c) {
        StreamlearnApp app = StreamlearnApp.start(c, TopologyListener.NONE, Duration.ofSeconds(60));
        return new Running(app.streams(), c.topics().scoredEvents(), app);
    }

    private Running startPassThrough(String guarantee, String input) throws InterruptedException {
        Streams app = passThrough(guarantee, input);
        try {
            startAndAwaitRunning(app.streams());
        } catch (InterruptedException | RuntimeException e) {
            app.streams().close(Duration.ofSeconds(30));
            throw e;
        }
        return new Running(app.streams(), app.output(), () -> app.streams().close(Duration.ofSeconds(30)));
    }

    private static void startAndAwaitRunning(KafkaStreams streams) throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
        streams.start();
        if (!running.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the pass-through application did not start within 60 s");
        }
    }

    private static double pct(long[] sorted, double q) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private KafkaConsumer<byte[], byte[]> consumer(StreamlearnConfig c) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "5");
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private KafkaProducer<byte[], byte[]> latencyProducer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** The machine's load averages over 1, 5 and 15 minutes (Linux), to print beside figures a busy machine skews. */
    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    static Path tempDir() throws java.io.IOException {
        return Files.createTempDirectory("streamlearn-bench");
    }
}
