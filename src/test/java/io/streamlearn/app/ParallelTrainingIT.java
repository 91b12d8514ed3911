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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data-parallel model on a real broker with two examples partitions, beside the same model
 * trained by one task on the same examples: every example is counted once (the merged versions'
 * example counts add up to what was sent, no delta lost or merged twice), versions go up one at a
 * time from the one writer, and the merged model scores the blobs data set within a point of the
 * single-task one.
 */
@ExtendWith(KafkaBroker.class)
class ParallelTrainingIT {
    private static final int N = 4_000;
    private static final int SYNC_EVERY = 50;
    private static final Pattern MERGED = Pattern.compile("^merged (\\d+) deltas?, (\\d+) examples \\(round .*\\)$");

    @Test
    void twoReplicasMergeEveryExampleOnceAndScoreAsOneTask(KafkaCluster kafka, @TempDir Path dir) throws Exception {
        String run = "par-" + UUID.randomUUID().toString().substring(0, 8);
        String model = """
                  - id: %s
                    inputSize: 2
                    scaling: none
                    layers: [{units: 1, activation: sigmoid}]
                    optimizer: {kind: sgd, learningRate: 0.05}
                    snapshot: {everyUpdates: 1000, everyMs: 500}
                """;
        StreamlearnConfig config = ConfigLoader.fromYaml("topics: {partitions: 2}\nmodels:\n" + model.formatted("one")
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

            double par = accuracy(app.registry().get("par"));
            double one = accuracy(app.registry().get("one"));
            assertTrue(Math.abs(par - one) <= 0.01, "data-parallel " + par + " vs one task " + one + " on blobs");
        }
    }

    /**
     * Examples/s of one data-parallel model with 1, 2 and 4 examples partitions (one instance), for
     * BENCHMARKS.md: the examples are produced first, then the learner is started and timed until
     * the merged versions hold them all. Off unless {@code -Dparallel.bench=EXAMPLES}.
     */
    @Test
    void throughputWithOneTwoAndFourPartitions(KafkaCluster kafka, @TempDir Path dir) throws Exception {
        int n = Integer.getInteger("parallel.bench", 0);
        org.junit.jupiter.api.Assumptions.assumeTrue(n > 0, "-Dparallel.bench=EXAMPLES to measure");
        int dims = Integer.getInteger("parallel.dims", 2);
        for (int partitions : new int[] {1, 2, 4}) {
            String run = "parbench-" + partitions + "-" + UUID.randomUUID().toString().substring(0, 6);
            StreamlearnConfig config = ConfigLoader.fromYaml("topics: {partitions: " + partitions + "}\nmodels:\n"
                            + "  - {id: par, inputSize: " + dims + ", scaling: none, layers: [{units: 1, activation: sigmoid}],"
                            + " optimizer: {kind: sgd, learningRate: 0.01}, snapshot: {everyUpdates: 100000, everyMs: 1000},"
                            + " parallel: {syncEvery: 256}}\n",
                    Map.of("applicationId", run, "bootstrapServers", kafka.bootstrapServers(), "topics.prefix", run + "-",
                            "stateDir", Files.createDirectories(dir.resolve(run)).toString(), "defaultModel", "par"));
            StreamlearnApp.ensureTopics(config, Duration.ofSeconds(15));
            Codec<LabeledExample> codec = Topics.of(config).examples().codec();
            Iterator<LabeledRow> rows = Generators.stream("gaussian", 5, dims, 2);
            Deliveries delivered = new Deliveries();
            try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(TutorialDemo.producerProps(config))) {
                for (int i = 0; i < n; i++) {
                    LabeledRow r = rows.next();
                    p.send(new ProducerRecord<>(config.topics().examples(), i % partitions, null, null,
                            codec.encode(LabeledExample.of(null, "par", r.features(), r.label()))), delivered);
                }
            }
            delivered.check();
            long start = System.nanoTime();
            try (StreamlearnApp app = StreamlearnApp.start(config, TopologyListener.NONE, Duration.ofSeconds(60))) {
                long started = System.nanoTime();
                await(() -> seen(app, "par") == n, "every example merged");
                long end = System.nanoTime();
                System.out.printf(java.util.Locale.ROOT,
                        "PARALLEL-BENCH partitions=%d dims=%d examples=%d examples/s (from running)=%.0f (from start)=%.0f%n",
                        partitions, dims, n, n / ((end - started) / 1e9), n / ((end - start) / 1e9));
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
