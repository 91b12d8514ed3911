package io.streamlearn.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlearn.app.StreamlearnApp;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.broker.EmbeddedKafkaBroker;
import io.streamlearn.codec.Codec;
import io.streamlearn.codec.Codecs;
import io.streamlearn.codec.Event;
import io.streamlearn.codec.LabeledExample;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.Format;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.kafka.Deliveries;
import io.streamlearn.kafka.Topics;
import io.streamlearn.learn.OnlineLearner;
import io.streamlearn.model.Network;
import io.streamlearn.testing.RunsAlone;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several instances of one application sharing the work, and one of them SIGKILLed mid-stream:
 * three learners ({@code streamlearn run}, each a child JVM with its own state directory) with one
 * application id, six models, {@code examples} and {@code events} of six partitions. Examples are
 * keyed by model, so each model's examples lie on one partition in order and its weights are
 * determined by the data alone: those of the same examples learned by one uninterrupted learner.
 *
 * <p>Once every model has published weights and the group has committed a drawn share of the
 * examples fed so far, one instance (drawn) is killed; then events for every model are sent to
 * every partition and the rest of the examples follow. It checks: every model learned each of its
 * examples exactly once, with weights bit-identical to the uninterrupted learner's and versions
 * strictly increasing; every event scored exactly once (read_committed); nothing dead-lettered,
 * in particular not {@code NO_WEIGHTS_YET} (every model had weights before the kill).
 *
 * <p>It measures the failover: from the SIGKILL to the first scored event of every events
 * partition (the slowest are the dead instance's partitions), and to the first new version of
 * every model (the slowest are the models the dead instance trained). Timing is reported, never
 * asserted. {@code -Dfailover.runs=N} repeats the scenario (each run its own application and
 * topics on one broker), {@code -Dfailover.examples} sets the examples per model,
 * {@code -Dfailover.static=true} gives each instance a {@code failover.instanceId}.
 */
@RunsAlone
class MultiInstanceFailoverIT {
    private static final Logger LOG = LoggerFactory.getLogger(MultiInstanceFailoverIT.class);
    private static final int RUNS = Integer.getInteger("failover.runs", 1);
    private static final int PER_MODEL = Integer.getInteger("failover.examples", 4_000);
    private static final boolean STATIC = Boolean.getBoolean("failover.static");
    private static final int MODELS = 6;
    private static final int PARTITIONS = 6;
    private static final int INSTANCES = 3;
    private static final int EVENTS_PER_PARTITION = 100;
    private static final int SNAPSHOT_EVERY = 100;
    private static final int INPUTS = 3;
    private static final long T0 = 1_700_000_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static EmbeddedKafkaBroker broker;
    private static final List<String> REPORTS = Collections.synchronizedList(new ArrayList<>());
    private static final List<Double> SCORING_FAILOVERS = Collections.synchronizedList(new ArrayList<>());
    private static final List<Double> TRAINING_FAILOVERS = Collections.synchronizedList(new ArrayList<>());
    private static final List<Double> TRANSACTIONS_OPEN = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.builder().start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
        if (!REPORTS.isEmpty()) {
            LOG.info("failover summary over {} runs: scoring failover median {} s, max {} s; training failover median {} s, max {} s;"
                            + " the killed instance's transaction open for median {} s, max {} s ({} runs left one open)",
                    REPORTS.size(), median(SCORING_FAILOVERS), max(SCORING_FAILOVERS), median(TRAINING_FAILOVERS),
                    max(TRAINING_FAILOVERS), median(TRANSACTIONS_OPEN), max(TRANSACTIONS_OPEN), TRANSACTIONS_OPEN.size());
            REPORTS.forEach(r -> LOG.info("  {}", r));
        }
    }

    @TestFactory
    Stream<DynamicTest> threeInstancesOneKilledMidStream() {
        return IntStream.rangeClosed(1, RUNS).mapToObj(run -> DynamicTest.dynamicTest("run " + run + " of " + RUNS,
                () -> new Run(run).execute()));
    }

    /** One scenario: its own application id, topics, state directories and drawn kill. */
    private static final class Run {
        private final int number;
        private final String id = "failover-" + UUID.randomUUID().toString().substring(0, 6);
        private final Random draw;
        private final List<ChildLearner> learners = new ArrayList<>();
        private StreamlearnConfig config;

        Run(int number) {
            this.number = number;
            this.draw = new Random(Long.getLong("failover.seed", System.nanoTime()) + number);
        }

        void execute() throws Exception {
            Path dir = Files.createDirectories(Path.of("target", "failover", id));
            Path logs = Files.createDirectories(Path.of("target", "crash-logs", "failover", id));
            Path configFile = dir.resolve("config.yaml");
            StringBuilder models = new StringBuilder();
            for (int m = 0; m < MODELS; m++) {
                models.append("  - {id: m").append(m).append(", inputSize: ").append(INPUTS)
                        .append(", optimizer: {kind: adam, learningRate: 0.01}, seed: ").append(m)
                        .append(", snapshot: {everyUpdates: ").append(SNAPSHOT_EVERY).append(", everyMs: 100000000000000}}\n");
            }
            Files.writeString(configFile, """
                    applicationId: %s
                    topics: {prefix: %s-, partitions: %d}
                    defaultModel: m0
                    models:
                    %s""".formatted(id, id, PARTITIONS, models));
            config = ConfigLoader.load(configFile, Map.of("bootstrapServers", broker.bootstrapServers()));
            StreamlearnApp.ensureTopics(config, Duration.ofSeconds(30));
            Data data = new Data(new Random(7));
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", config.bootstrapServers()));
                 Watch watch = new Watch(config)) {
                for (int i = 0; i < INSTANCES; i++) {
                    List<String> extra = STATIC ? List.of("--set", "failover.instanceId=" + id + "-" + i) : List.of();
                    learners.add(ChildLearner.start(configFile, config.bootstrapServers(), dir.resolve("state-" + i), logs, i, extra));
                }
                for (ChildLearner l : learners) {
                    l.awaitRunning();
                }
                // First enough for two versions of every model, so that every model has weights before
                // the kill; then the bulk, which the learners are still working through when the
                // committed offset reaches the drawn point and one of them is killed.
                int warm = MODELS * SNAPSHOT_EVERY * 2;
                int fedBefore = data.total() * 6 / 10;
                data.feedExamples(config, 0, warm);
                awaitKillPoint(admin, watch, warm);
                data.feedExamples(config, warm, fedBefore);
                long target = warm + (long) ((fedBefore - warm) * (0.2 + 0.5 * draw.nextDouble()));
                awaitKillPoint(admin, watch, target);
                if (STATIC) {
                    var members = admin.describeConsumerGroups(List.of(id)).all().get(10, TimeUnit.SECONDS).get(id).members();
                    assertEquals(INSTANCES, members.stream().filter(mb -> mb.groupInstanceId().isPresent()).count(),
                            "every instance is a static member: " + members);
                }
                int victim = draw.nextInt(INSTANCES);
                long committedAtKill = committed(admin);
                Map<String, Long> seenAtKill = watch.examplesSeen();
                long killedAt = System.nanoTime();
                learners.get(victim).kill();
                watch.killedAt(killedAt, seenAtKill);
                Map<String, String> leftOpen = openTransactions(admin, processOf(learners.get(victim)));
                java.util.concurrent.CompletableFuture<Double> ended = java.util.concurrent.CompletableFuture.supplyAsync(
                        () -> secondsUntilEnded(leftOpen.keySet(), killedAt));
                Map<String, Integer> eventPartitions = data.feedEvents(config);
                data.feedExamples(config, fedBefore, data.total());
                awaitEnd(watch, eventPartitions.size());
                double openFor = ended.get(90, TimeUnit.SECONDS);
                if (!Double.isNaN(openFor)) {
                    TRANSACTIONS_OPEN.add(openFor);
                }
                for (int i = 0; i < learners.size(); i++) {
                    if (i != victim) {
                        learners.get(i).stop();
                    }
                }
                check(data, eventPartitions);
                double scoring = watch.scoringFailoverSeconds(eventPartitions);
                double training = watch.trainingFailoverSeconds();
                SCORING_FAILOVERS.add(scoring);
                TRAINING_FAILOVERS.add(training);
                String report = String.format(Locale.ROOT, "run %d (%s): instance %d killed at committed offset %d of %d fed"
                                + " (target %d); every events partition scored again %.2f s after the kill (per partition %s),"
                                + " every model learning again after %.2f s (per model %s); the killed instance's transaction,"
                                + " open on %s, ended %s; load %.1f", number, id, victim, committedAtKill, fedBefore, target, scoring,
                        watch.scoringPerPartition(eventPartitions), training, watch.trainingPerModel(),
                        leftOpen.isEmpty() ? "nothing" : String.join("; ", leftOpen.values()),
                        Double.isNaN(openFor) ? "-" : String.format(Locale.ROOT, "%.2f s after the kill", openFor), load());
                REPORTS.add(report);
                LOG.info(report);
            } finally {
                for (ChildLearner l : learners) {
                    if (l.isAlive()) {
                        l.kill();
                    }
                }
            }
        }

        /** The drawn share committed, and every model's weights readable, so that no event can lack them. */
        private void awaitKillPoint(Admin admin, Watch watch, long target) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (committed(admin) < target || watch.examplesSeen().size() < MODELS) {
                for (ChildLearner l : learners) {
                    if (!l.isAlive()) {
                        throw new AssertionError("a learner exited before the kill:\n" + tail(l.log()));
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the learners did not reach offset " + target + " (at " + committed(admin)
                            + ") with weights of every model (have " + watch.examplesSeen() + ")");
                }
                Thread.sleep(5);
            }
        }

        private void awaitEnd(Watch watch, int events) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (true) {
                Map<String, Long> seen = watch.examplesSeen();
                boolean learned = seen.size() == MODELS && seen.values().stream().allMatch(n -> n >= PER_MODEL);
                if (learned && watch.scoredOrDeadLettered() >= events) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    StringBuilder sb = new StringBuilder();
                    for (ChildLearner l : learners) {
                        sb.append("\n--- ").append(l.isAlive() ? "a survivor" : "the killed one").append(":\n").append(tail(l.log()));
                    }
                    throw new AssertionError("not done within 180 s of the kill: examples seen " + seen + ", events scored or"
                            + " dead-lettered " + watch.scoredOrDeadLettered() + " of " + events + "\n--- open transactions:\n"
                            + CrashEquivalenceIT.transactions(config) + sb);
                }
                Thread.sleep(50);
            }
        }

        /**
         * The killed instance's open transactions and the partitions each holds back, by
         * transactional id: it stays open until it is aborted, and read_committed readers of those
         * partitions wait for that.
         */
        private Map<String, String> openTransactions(Admin admin, String process) {
            Map<String, String> out = new TreeMap<>();
            try {
                List<String> ids = admin.listTransactions().all().get(10, TimeUnit.SECONDS).stream()
                        .map(t -> t.transactionalId()).filter(t -> t.startsWith(id + "-" + process + "-")).toList();
                admin.describeTransactions(ids).all().get(10, TimeUnit.SECONDS).forEach((txn, d) -> {
                    if (d.state() == org.apache.kafka.clients.admin.TransactionState.ONGOING) {
                        out.put(txn, d.topicPartitions().stream()
                                .map(tp -> (tp.topic().startsWith(id + "-") ? tp.topic().substring(id.length() + 1) : tp.topic())
                                        + "-" + tp.partition()).sorted().toList().toString());
                    }
                });
            } catch (Exception e) {
                LOG.warn("could not read the open transactions: {}", e.toString());
            }
            return out;
        }

        /** Seconds from the kill until none of {@code ids} is open any more (NaN if none was, or after 60 s). */
        private double secondsUntilEnded(java.util.Set<String> ids, long killedAt) {
            if (ids.isEmpty()) {
                return Double.NaN;
            }
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", config.bootstrapServers()))) {
                while (System.nanoTime() - killedAt < TimeUnit.SECONDS.toNanos(60)) {
                    boolean open = admin.describeTransactions(ids).all().get(10, TimeUnit.SECONDS).values().stream()
                            .anyMatch(d -> d.state() == org.apache.kafka.clients.admin.TransactionState.ONGOING);
                    if (!open) {
                        return (System.nanoTime() - killedAt) / 1e9;
                    }
                    Thread.sleep(50);
                }
            } catch (Exception e) {
                LOG.warn("could not follow the open transactions: {}", e.toString());
            }
            return Double.NaN;
        }

        /** The Kafka Streams process id of a learner, from its threads' names in its log. */
        private String processOf(ChildLearner learner) throws java.io.IOException {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(id)
                    + "-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-").matcher(learner.log());
            return m.find() ? m.group(1) : "?";
        }

        private long committed(Admin admin) throws Exception {
            var offsets = admin.listConsumerGroupOffsets(config.applicationId()).partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS);
            long sum = 0;
            for (var e : offsets.entrySet()) {
                if (e.getKey().topic().equals(config.topics().examples()) && e.getValue() != null) {
                    sum += e.getValue().offset();
                }
            }
            return sum;
        }

        private void check(Data data, Map<String, Integer> eventPartitions) throws Exception {
            Codec<WeightSnapshot> codec = Topics.of(config).weights().codec();
            Map<String, List<WeightSnapshot>> versions = new TreeMap<>();
            for (ConsumerRecord<byte[], byte[]> r : readAll(config, config.topics().weights())) {
                WeightSnapshot s = codec.decode(r.value());
                versions.computeIfAbsent(s.getModel(), k -> new ArrayList<>()).add(s);
            }
            assertEquals(MODELS, versions.size(), "every model published: " + versions.keySet());
            for (int m = 0; m < MODELS; m++) {
                String model = "m" + m;
                List<WeightSnapshot> list = versions.get(model);
                for (int i = 1; i < list.size(); i++) {
                    assertTrue(list.get(i).getVersion() > list.get(i - 1).getVersion(), model + ": versions strictly increasing, "
                            + list.get(i - 1).getVersion() + " then " + list.get(i).getVersion());
                }
                WeightSnapshot last = list.get(list.size() - 1);
                assertEquals(PER_MODEL, last.getExamplesSeen(), model + ": every example learned exactly once");
                assertEquals(PER_MODEL / SNAPSHOT_EVERY, last.getVersion(), model + ": one version per " + SNAPSHOT_EVERY
                        + " updates, none lost or repeated");
                Network reference = data.reference(config, model).network();
                assertEquals(reference.updatesApplied(), last.getUpdatesApplied(), model + ": updates applied");
                for (int l = 0; l < reference.layerCount(); l++) {
                    double[] w = reference.weights(l);
                    double[] b = reference.biases(l);
                    for (int i = 0; i < w.length; i++) {
                        assertEquals(Double.doubleToRawLongBits(w[i]),
                                Double.doubleToRawLongBits(last.getLayers().get(l).getWeights().get(i)),
                                model + ": layer " + l + " weight " + i + " bit for bit as one uninterrupted learner's");
                    }
                    for (int i = 0; i < b.length; i++) {
                        assertEquals(Double.doubleToRawLongBits(b[i]),
                                Double.doubleToRawLongBits(last.getLayers().get(l).getBiases().get(i)),
                                model + ": layer " + l + " bias " + i + " bit for bit");
                    }
                }
            }
            Map<String, Integer> deadLetters = new TreeMap<>();
            for (ConsumerRecord<byte[], byte[]> r : readAll(config, config.topics().deadLetters())) {
                Header reason = r.headers().lastHeader("streamlearn.dlq.reason");
                Header detail = r.headers().lastHeader("streamlearn.dlq.detail");
                deadLetters.merge((reason == null ? "?" : new String(reason.value(), StandardCharsets.UTF_8))
                        + (detail == null ? "" : " (" + new String(detail.value(), StandardCharsets.UTF_8) + ")"), 1, Integer::sum);
            }
            assertTrue(deadLetters.isEmpty(), "nothing dead-lettered (every model had weights before the first event): "
                    + deadLetters);
            Map<String, Integer> scored = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : readAll(config, config.topics().scoredEvents())) {
                JsonNode n = JSON.readTree(r.value());
                scored.merge(n.get("id").asText(), 1, Integer::sum);
            }
            List<String> wrong = new ArrayList<>();
            for (String e : eventPartitions.keySet()) {
                int times = scored.getOrDefault(e, 0);
                if (times != 1) {
                    wrong.add(e + " x" + times);
                }
            }
            assertTrue(wrong.isEmpty(), "every event scored exactly once; not so: "
                    + wrong.subList(0, Math.min(20, wrong.size())) + (wrong.size() > 20 ? " ..." : ""));
            assertEquals(eventPartitions.size(), scored.size(), "no other scored events");
        }
    }

    /** The examples (each model's keyed by its id, so on one partition) and the events, the same bits every run. */
    private static final class Data {
        private final List<LabeledExample> examples = new ArrayList<>();

        Data(Random r) {
            for (int i = 0; i < PER_MODEL; i++) {
                for (int m = 0; m < MODELS; m++) {
                    double[] x = new double[INPUTS];
                    double s = 0;
                    for (int j = 0; j < INPUTS; j++) {
                        x[j] = Math.round(r.nextGaussian() * 1e6) / 1e6; // what a JSON number carries exactly
                        s += (j == m % INPUTS ? 1 : -0.5) * x[j];
                    }
                    examples.add(LabeledExample.of("x" + m + "-" + i, "m" + m, x, s > 0 ? 1 : 0));
                }
            }
        }

        int total() {
            return examples.size();
        }

        void feedExamples(StreamlearnConfig config, int from, int to) throws Exception {
            Codec<LabeledExample> codec = Codecs.examples(Format.JSON, 100);
            try (KafkaProducer<byte[], byte[]> producer = producer(config)) {
                Deliveries delivered = new Deliveries();
                for (int i = from; i < to; i++) {
                    LabeledExample e = examples.get(i);
                    producer.send(new ProducerRecord<>(config.topics().examples(), null, T0 + i,
                            e.model().getBytes(StandardCharsets.UTF_8), codec.encode(e)), delivered);
                }
                producer.flush();
                delivered.check();
            }
        }

        /** Events of every model on every partition; returns each event's partition by id. */
        Map<String, Integer> feedEvents(StreamlearnConfig config) throws Exception {
            Codec<Event> codec = Codecs.events(Format.JSON, 100);
            Map<String, Integer> partitions = new HashMap<>();
            Random r = new Random(11);
            try (KafkaProducer<byte[], byte[]> producer = producer(config)) {
                Deliveries delivered = new Deliveries();
                for (int j = 0; j < PARTITIONS * EVENTS_PER_PARTITION; j++) {
                    String id = "e" + j;
                    int partition = j % PARTITIONS;
                    double[] x = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
                    producer.send(new ProducerRecord<>(config.topics().events(), partition, id.getBytes(StandardCharsets.UTF_8),
                            codec.encode(new Event(id, "m" + (j / PARTITIONS) % MODELS, x))), delivered);
                    partitions.put(id, partition);
                }
                producer.flush();
                delivered.check();
            }
            return partitions;
        }

        /** The model's examples learned in order by one learner that was never stopped. */
        OnlineLearner reference(StreamlearnConfig config, String model) {
            OnlineLearner learner = OnlineLearner.fresh(config.model(model));
            for (int i = 0; i < examples.size(); i++) {
                LabeledExample e = examples.get(i);
                if (e.model().equals(model)) {
                    learner.learn(e.features(), e.label(), T0 + i);
                }
            }
            return learner;
        }

        private static KafkaProducer<byte[], byte[]> producer(StreamlearnConfig config) {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
            p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        }
    }

    /**
     * Reads weights, scored events and dead letters as users see them (read_committed) while the
     * run goes on, noting when each first appears: the failover is measured from these.
     */
    private static final class Watch implements AutoCloseable {
        private final Map<String, Long> examplesSeen = new ConcurrentHashMap<>();
        /** Per model, when (nanoTime) a version first showed more examples than the model had at the kill. */
        private final Map<String, Long> learningAgain = new ConcurrentHashMap<>();
        private final Map<String, Long> scoredAt = new ConcurrentHashMap<>();
        private volatile int deadLetters;
        private volatile long killedAt = -1;
        private volatile Map<String, Long> seenAtKill = Map.of();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;
        private volatile Throwable failure;

        Watch(StreamlearnConfig config) {
            Codec<WeightSnapshot> codec = Topics.of(config).weights().codec();
            thread = new Thread(() -> {
                Properties p = new Properties();
                p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
                p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
                p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
                try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                    List<TopicPartition> parts = new ArrayList<>();
                    for (String topic : List.of(config.topics().weights(), config.topics().scoredEvents(), config.topics().deadLetters())) {
                        c.partitionsFor(topic).forEach(pi -> parts.add(new TopicPartition(topic, pi.partition())));
                    }
                    c.assign(parts);
                    c.seekToBeginning(parts);
                    while (running.get()) {
                        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(20))) {
                            long now = System.nanoTime();
                            if (r.topic().equals(config.topics().weights())) {
                                WeightSnapshot s = codec.decode(r.value());
                                examplesSeen.merge(s.getModel(), s.getExamplesSeen(), Math::max);
                                if (killedAt >= 0 && s.getExamplesSeen() > seenAtKill.getOrDefault(s.getModel(), 0L)) {
                                    learningAgain.putIfAbsent(s.getModel(), now);
                                }
                            } else if (r.topic().equals(config.topics().scoredEvents())) {
                                scoredAt.putIfAbsent(JSON.readTree(r.value()).get("id").asText(), now);
                            } else {
                                deadLetters++;
                            }
                        }
                    }
                } catch (Throwable t) {
                    failure = t;
                }
            }, "failover-watch");
            thread.setDaemon(true);
            thread.start();
        }

        Map<String, Long> examplesSeen() {
            check();
            return Map.copyOf(examplesSeen);
        }

        void killedAt(long nanos, Map<String, Long> seen) {
            seenAtKill = seen;
            killedAt = nanos;
        }

        int scoredOrDeadLettered() {
            check();
            return scoredAt.size() + deadLetters;
        }

        private Map<Integer, Double> firstScoredPerPartition(Map<String, Integer> eventPartitions) {
            Map<Integer, Double> first = new TreeMap<>();
            scoredAt.forEach((id, at) -> {
                Integer p = eventPartitions.get(id);
                if (p != null) {
                    first.merge(p, (at - killedAt) / 1e9, Math::min);
                }
            });
            return first;
        }

        double scoringFailoverSeconds(Map<String, Integer> eventPartitions) {
            Map<Integer, Double> first = firstScoredPerPartition(eventPartitions);
            assertEquals(PARTITIONS, first.size(), "every events partition was scored: " + first);
            return first.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        }

        String scoringPerPartition(Map<String, Integer> eventPartitions) {
            StringBuilder sb = new StringBuilder();
            firstScoredPerPartition(eventPartitions).forEach((p, s) -> sb.append(String.format(Locale.ROOT, "%s%d: %.2f",
                    sb.length() == 0 ? "" : ", ", p, s)));
            return sb.toString();
        }

        double trainingFailoverSeconds() {
            assertEquals(MODELS, learningAgain.size(), "every model learned after the kill: " + learningAgain.keySet());
            return learningAgain.values().stream().mapToDouble(at -> (at - killedAt) / 1e9).max().orElseThrow();
        }

        String trainingPerModel() {
            StringBuilder sb = new StringBuilder();
            new TreeMap<>(learningAgain).forEach((m, at) -> sb.append(String.format(Locale.ROOT, "%s%s: %.2f",
                    sb.length() == 0 ? "" : ", ", m, (at - killedAt) / 1e9)));
            return sb.toString();
        }

        private void check() {
            if (failure != null) {
                throw new AssertionError("the watching consumer failed", failure);
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
        }
    }

    /** Every committed record of a topic, all partitions, up to its end. */
    private static List<ConsumerRecord<byte[], byte[]>> readAll(StreamlearnConfig config, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(topic).forEach(pi -> parts.add(new TopicPartition(topic, pi.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = new HashMap<>(c.endOffsets(parts));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!end.isEmpty() && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
                end.entrySet().removeIf(e -> c.position(e.getKey()) >= e.getValue());
            }
            assertTrue(end.isEmpty(), "read " + topic + " to its end");
        }
        return out;
    }

    private static double load() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    private static String median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.isEmpty() ? "-" : String.format(Locale.ROOT, "%.2f", s.get(s.size() / 2));
    }

    private static String max(List<Double> xs) {
        return xs.isEmpty() ? "-" : String.format(Locale.ROOT, "%.2f", Collections.max(xs));
    }

    private static String tail(String log) {
        return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
    }
}
