package io.streamlearn.app;

import static io.streamlearn.testing.Eventually.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.Codec;
import io.streamlearn.codec.LabeledExample;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.data.Datasets;
import io.streamlearn.data.Generators;
import io.streamlearn.data.LabeledRow;
import io.streamlearn.demo.TutorialDemo;
import io.streamlearn.kafka.Deliveries;
import io.streamlearn.kafka.Topics;
import io.streamlearn.model.Network;
import io.streamlearn.snapshot.DecodedSnapshot;
import io.streamlearn.snapshot.WeightsReader;
import io.streamlearn.testing.KafkaBroker;
import io.streamlearn.testing.KafkaCluster;
import io.streamlearn.topology.TopologyListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import io.streamlearn.topology.Names;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data-parallel model on a real broker with two examples partitions, beside the same model
 * trained by one task on the same examples: every example is counted once (the merged versions'
 * example counts add up to what was sent, no delta lost or merged twice), versions go up one at a
 * time from the one writer, the merged scaler statistics hold every example once (both models
 * standardise their features, the default), and the merged model scores the blobs data set within a
 * point of the single-task one.
 */
@ExtendWith(KafkaBroker.class)
class ParallelTrainingIT {
    private static final int N = 4_000;
    private static final int SYNC_EVERY = 50;
    private static final Pattern MERGED = Pattern.compile("^merged (\\d+) (?:late )?deltas?, (\\d+) examples \\(round .*\\)$");

    @Test
    void twoReplicasMergeEveryExampleOnceAndScoreAsOneTask(KafkaCluster kafka, @TempDir Path dir) throws Exception {
        String run = "par-" + UUID.randomUUID().toString().substring(0, 8);
        String model = """
                  - id: %s
                    inputSize: 2
                    scaling: standard
                    layers: [{units: 1, activation: sigmoid}]
                    optimizer: {kind: sgd, learningRate: 0.05}
                    snapshot: {everyUpdates: 1000, everyMs: 500}
                """;
        StreamlearnConfig config = ConfigLoader.fromYaml("topics: {partitions: 2}\nkafka: {repartition.purge.interval.ms: 300}\nmodels:\n"
                        + model.formatted("one")
                        + model.formatted("par") + "    parallel: {syncEvery: " + SYNC_EVERY + ", merge: average}\n",
                Map.of("applicationId", run, "bootstrapServers", kafka.bootstrapServers(), "topics.prefix", run + "-",
                        "stateDir", Files.createDirectories(dir.resolve("state")).toString(), "defaultModel", "one"));
        StreamlearnApp.ensureTopics(config, Duration.ofSeconds(15));
        produce(config);
        try (StreamlearnApp app = StreamlearnApp.start(config, TopologyListener.NONE, Duration.ofSeconds(60))) {
            await(() -> seen(app, "par") == N && seen(app, "one") == N, "both models learned every example");
            assertEquals(N, seen(app, "par"), "counted once");

            Properties client = new Properties();
            client.putAll(KafkaProperties.common(config));
            List<WeightSnapshot> versions = WeightsReader.readAll(client, config.topics().weightsHistory(),
                    Topics.of(config).weights().codec()).get("par");
            long examples = 0;
            long deltas = 0;
            for (int i = 0; i < versions.size(); i++) {
                WeightSnapshot s = versions.get(i);
                assertEquals(i + 1, s.getVersion(), "versions one after another, from one writer");
                Matcher m = MERGED.matcher(String.valueOf(s.getReason()));
                assertTrue(m.matches(), "a merged version says so: " + s.getReason());
                deltas += Long.parseLong(m.group(1));
                examples += Long.parseLong(m.group(2));
                assertEquals(examples, s.getExamplesSeen());
            }
            assertEquals(N, examples, "the merged deltas hold every example once");
            assertEquals(2L * N / 2 / SYNC_EVERY, deltas, "one delta per replica per " + SYNC_EVERY + " examples");
            assertEquals(N, versions.get(versions.size() - 1).getScaler().getCount(),
                    "the replicas' scaler statistics merged, every example's once");

            double par = accuracy(app.registry().get("par"));
            double one = accuracy(app.registry().get("one"));
            System.out.printf(java.util.Locale.ROOT, "PARALLEL-ACCURACY blobs: data-parallel %.4f (%d versions), one task %.4f%n",
                    par, versions.size(), one);
            assertTrue(Math.abs(par - one) <= 0.01, "data-parallel " + par + " vs one task " + one + " on blobs");

            // The deltas topic is purged as the re-keying topic is: kept without time retention, and what the
            // trainer has committed deleted.
            String deltasTopic = Names.deltasTopic(config.applicationId());
            try (Admin admin = Admin.create(client)) {
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, deltasTopic);
                assertEquals("-1", admin.describeConfigs(List.of(resource)).all().get(15, TimeUnit.SECONDS).get(resource)
                        .get(TopicConfig.RETENTION_MS_CONFIG).value());
                Map<TopicPartition, OffsetSpec> parts = Map.of(new TopicPartition(deltasTopic, 0), OffsetSpec.earliest(),
                        new TopicPartition(deltasTopic, 1), OffsetSpec.earliest());
                await(() -> offsets(admin, parts).equals(offsets(admin, latest(parts))), "the deltas topic purged");
                assertTrue(offsets(admin, latest(parts)).values().stream().mapToLong(Long::longValue).sum() >= deltas,
                        "every delta went through it");
            }
        }
    }

    private static Map<TopicPartition, OffsetSpec> latest(Map<TopicPartition, OffsetSpec> parts) {
        Map<TopicPartition, OffsetSpec> out = new java.util.HashMap<>();
        parts.keySet().forEach(tp -> out.put(tp, OffsetSpec.latest()));
        return out;
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, Map<TopicPartition, OffsetSpec> spec) {
        try {
            Map<TopicPartition, Long> out = new java.util.HashMap<>();
            admin.listOffsets(spec).all().get(15, TimeUnit.SECONDS).forEach((tp, o) -> out.put(tp, o.offset()));
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Examples/s of one data-parallel model with 1, 2 and 4 examples partitions (one instance), for
     * BENCHMARKS.md: the examples are produced first, then the learner is started and timed until
     * the merged versions hold them all; the same model without {@code parallel:} on one partition
     * first, as the reference. Off unless {@code -Dparallel.bench=EXAMPLES}; {@code -Dparallel.dims}
     * sets the input size (2), {@code -Dparallel.threads=true} one stream thread per partition.
     */
    @Test
    void throughputWithOneTwoAndFourPartitions(KafkaCluster kafka, @TempDir Path dir) throws Exception {
        int asked = Integer.getInteger("parallel.bench", 0);
        org.junit.jupiter.api.Assumptions.assumeTrue(asked > 0, "-Dparallel.bench=EXAMPLES to measure");
        // Whole rounds on every partition count: a replica's examples after its last full round wait for the next one.
        int n = asked / (4 * 256) * (4 * 256);
        int dims = Integer.getInteger("parallel.dims", 2);
        // 0: the same model without parallel: (one task), the reference.
        for (int partitions : new int[] {0, 1, 2, 4}) {
            int parts = Math.max(1, partitions);
            String run = "parbench-" + partitions + "-" + UUID.randomUUID().toString().substring(0, 6);
            // -Dparallel.threads=true: one stream thread per partition (an instance has one by default).
            String threads = Boolean.getBoolean("parallel.threads") ? "kafka: {num.stream.threads: " + parts + "}\n" : "";
            StreamlearnConfig config = ConfigLoader.fromYaml(threads + "topics: {partitions: " + parts + "}\nmodels:\n"
                            + "  - {id: par, inputSize: " + dims + ", scaling: none, layers: [{units: 1, activation: sigmoid}],"
                            + " optimizer: {kind: sgd, learningRate: 0.01}, snapshot: {everyUpdates: 100000, everyMs: 1000}"
                            + (partitions > 0 ? ", parallel: {syncEvery: 256}}\n" : "}\n"),
                    Map.of("applicationId", run, "bootstrapServers", kafka.bootstrapServers(), "topics.prefix", run + "-",
                            "stateDir", Files.createDirectories(dir.resolve(run)).toString(), "defaultModel", "par"));
            StreamlearnApp.ensureTopics(config, Duration.ofSeconds(15));
            Codec<LabeledExample> codec = Topics.of(config).examples().codec();
            Iterator<LabeledRow> rows = Generators.stream("gaussian", 5, dims, 2);
            Deliveries delivered = new Deliveries();
            try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(TutorialDemo.producerProps(config))) {
                for (int i = 0; i < n; i++) {
                    LabeledRow r = rows.next();
                    p.send(new ProducerRecord<>(config.topics().examples(), i % parts, null, null,
                            codec.encode(LabeledExample.of(null, "par", r.features(), r.label()))), delivered);
                }
            }
            delivered.check();
            long start = System.nanoTime();
            try (StreamlearnApp app = StreamlearnApp.start(config, TopologyListener.NONE, Duration.ofSeconds(60))) {
                // Timed from the first version on, so the start (2–4 s here) is left out.
                long firstAt = 0;
                long firstSeen = 0;
                long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
                while (seen(app, "par") < n && System.nanoTime() < deadline) {
                    if (firstAt == 0 && seen(app, "par") > 0) {
                        firstAt = System.nanoTime();
                        firstSeen = seen(app, "par");
                    }
                    Thread.sleep(20);
                }
                long end = System.nanoTime();
                assertEquals(n, seen(app, "par"), "every example learned");
                System.out.printf(java.util.Locale.ROOT,
                        "PARALLEL-BENCH %s threads=%s partitions=%d dims=%d examples=%d examples/s: after the first version %.0f,"
                                + " from the start call %.0f%n", partitions == 0 ? "one-task" : "parallel", threads.isEmpty() ? "1" : parts, parts, dims, n,
                        (n - firstSeen) / ((end - firstAt) / 1e9), n / ((end - start) / 1e9));
            }
        }
    }

    /** The blobs stream, each example once for 'one' and once for 'par', alternating over examples' two partitions. */
    private static void produce(StreamlearnConfig config) {
        Codec<LabeledExample> codec = Topics.of(config).examples().codec();
        Iterator<LabeledRow> rows = Generators.stream("blobs", 7, 0, 0);
        Deliveries delivered = new Deliveries();
        long t0 = System.currentTimeMillis() - 10 * N;
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(TutorialDemo.producerProps(config))) {
            for (int i = 0; i < N; i++) {
                LabeledRow r = rows.next();
                for (String m : List.of("one", "par")) {
                    p.send(new ProducerRecord<>(config.topics().examples(), i % 2, t0 + i, null,
                            codec.encode(LabeledExample.of(m + i, m, r.features(), r.label()))), delivered);
                }
            }
        }
        delivered.check();
    }

    private static long seen(StreamlearnApp app, String model) {
        DecodedSnapshot s = app.registry().get(model);
        return s == null ? 0 : s.snapshot().getExamplesSeen();
    }

    private static double accuracy(DecodedSnapshot s) {
        Network n = s.network();
        double[] out = new double[n.outputSize()];
        int right = 0;
        List<LabeledRow> rows = Datasets.load("blobs");
        for (LabeledRow r : rows) {
            n.predict(r.features(), out);
            if (n.predictClass(out) == r.label()) {
                right++;
            }
        }
        return (double) right / rows.size();
    }
}
