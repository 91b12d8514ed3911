package io.streamlearn.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.model.ScalerStatistics;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The replica and merge path on the real topology (TopologyTestDriver, which runs partition 0's
 * tasks): with one examples partition the replica's rounds are merged alone and the model learns as
 * one task would; with two, a round waits for the other replica's delta (fed to the deltas topic by
 * hand), is merged by example count, and a delta delivered twice is not applied twice.
 */
class ParallelTopologyTest {
    private static final double TOL = 1e-12;

    /** Two identical linear models over the same examples: 'par' data-parallel, 'one' trained by one task. */
    static StreamlearnConfig config(int syncEvery) {
        return config(syncEvery, """
                    initialWeights: [[0, 0]]
                    initialBiases: [[0]]
                """);
    }

    /** The same two models standardising their features (the default scaling), from seeded weights. */
    static StreamlearnConfig scaledConfig(int syncEvery) {
        return config(syncEvery, "    scaling: standard\n");
    }

    private static StreamlearnConfig config(int syncEvery, String start) {
        String model = """
                  - id: %s
                    inputSize: 2
                    layers: [{units: 1, activation: linear}]
                    loss: squared_error
                    optimizer: {kind: sgd, learningRate: 0.1}
                    snapshot: {everyUpdates: %d, everyMs: 100000000}
                """ + start;
        return ConfigLoader.fromYaml("applicationId: ttd\ndefaultModel: one\nmodels:\n"
                + model.formatted("one", syncEvery) + model.formatted("par", syncEvery)
                + "    parallel: {syncEvery: " + syncEvery + ", merge: average}\n", Map.of());
    }

    private static void example(TopologyFixture f, String model, int i) {
        double x0 = (i % 5) * 0.3;
        double x1 = (i % 3) - 1.0;
        f.example("{\"model\": \"" + model + "\", \"features\": [" + x0 + ", " + x1 + "], \"label\": " + (x0 - x1) + "}",
                1000L + i);
    }

    private static Map<String, List<WeightSnapshot>> byModel(TopologyFixture f) {
        return f.readWeights().stream().collect(Collectors.groupingBy(s -> s.getModel().toString()));
    }

    /** One task's and the parallel model's single layer, equal up to rounding. */
    private static void assertSameWeights(WeightSnapshot one, WeightSnapshot par) {
        List<Double> a = one.getLayers().get(0).getWeights();
        List<Double> b = par.getLayers().get(0).getWeights();
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i), b.get(i), TOL, "weight " + i);
        }
        assertEquals(one.getLayers().get(0).getBiases().get(0), par.getLayers().get(0).getBiases().get(0), TOL);
    }

    @Test
    void aMergedVersionSaysItsLastRound() {
        assertEquals(7, RoundMerger.mergedThrough("merged 2 deltas, 640 examples (round 7)"));
        assertEquals(9, RoundMerger.mergedThrough("merged 6 deltas, 90 examples (round 7 to 9)"));
        assertEquals(12, RoundMerger.mergedThrough("merged 3 deltas, 192 examples (round 12; replica 1 through round 5)"));
        assertEquals(9, RoundMerger.mergedThrough(
                "merged 6 deltas, 90 examples (round 7 to 9; replica 1 through round 5, replica 3 through round -1)"));
        assertEquals(-1, RoundMerger.mergedThrough(null), "a retrain's version");
        assertEquals(-1, RoundMerger.mergedThrough("drift: prequential error 0.1 → 0.4 at example 9"));
    }

    @Test
    void oneReplicaLearnsAsOneTaskWould() {
        try (TopologyFixture f = new TopologyFixture(config(4), new Partitioning(1, 1))) {
            for (int i = 0; i < 12; i++) {
                example(f, "one", i);
                example(f, "par", i);
            }
            Map<String, List<WeightSnapshot>> w = byModel(f);
            List<WeightSnapshot> par = w.get("par");
            assertEquals(3, par.size(), "one version per round of 4 examples");
            for (int v = 0; v < 3; v++) {
                assertEquals(v + 1, par.get(v).getVersion(), "versions numbered by the merge, one after another");
                assertEquals("merged 1 delta, 4 examples (round " + v + ")", par.get(v).getReason().toString());
            }
            assertEquals(12, par.get(2).getExamplesSeen(), "every example counted once");
            WeightSnapshot one = w.get("one").get(w.get("one").size() - 1);
            assertEquals(12, one.getExamplesSeen());
            assertSameWeights(one, par.get(2));
        }
    }

    @Test
    void aRoundWaitsForEveryReplicaAndIsMergedByExampleCountOnce() {
        try (TopologyFixture f = new TopologyFixture(config(4), new Partitioning(2, 1))) {
            TestInputTopic<String, ReplicaDelta> deltas = f.driver.createInputTopic(Names.deltasTopic("ttd"),
                    new StringSerializer(), ReplicaDelta.serializer());
            for (int i = 0; i < 4; i++) {
                example(f, "par", i);
            }
            assertTrue(byModel(f).getOrDefault("par", List.of()).isEmpty(), "round 0 waits for replica 1");

            // Replica 0 learned 4 examples, replica 1 (by hand) 12: weights 1/4 and 3/4 of the merged step.
            deltas.pipeInput("par", new ReplicaDelta(1, 2, 0, 0, 12, 5000, new double[] {0.4, -0.8, 0.2}), 5000);
            List<WeightSnapshot> par = byModel(f).get("par");
            assertEquals(1, par.size());
            WeightSnapshot merged = par.get(0);
            assertEquals(1, merged.getVersion());
            assertEquals("merged 2 deltas, 16 examples (round 0)", merged.getReason().toString());
            assertEquals(16, merged.getExamplesSeen());

            // What replica 0 alone would have published: the same stream through a 1-partition topology.
            double[] alone;
            try (TopologyFixture one = new TopologyFixture(config(4), new Partitioning(1, 1))) {
                for (int i = 0; i < 4; i++) {
                    example(one, "par", i);
                }
                WeightSnapshot s = byModel(one).get("par").get(0);
                alone = new double[] {s.getLayers().get(0).getWeights().get(0), s.getLayers().get(0).getWeights().get(1),
                        s.getLayers().get(0).getBiases().get(0)};
            }
            // From zero weights, replica 0's delta is its weights.
            assertEquals(0.25 * alone[0] + 0.75 * 0.4, merged.getLayers().get(0).getWeights().get(0), TOL);
            assertEquals(0.25 * alone[1] + 0.75 * -0.8, merged.getLayers().get(0).getWeights().get(1), TOL);
            assertEquals(0.25 * alone[2] + 0.75 * 0.2, merged.getLayers().get(0).getBiases().get(0), TOL);

            deltas.pipeInput("par", new ReplicaDelta(1, 2, 0, 0, 12, 5000, new double[] {0.4, -0.8, 0.2}), 5000);
            assertTrue(byModel(f).getOrDefault("par", List.of()).isEmpty(), "a delta of a merged round is not applied again");
        }
    }

    /**
     * A replica whose partition gets none of the model's examples no longer holds the model back:
     * once replica 0 is maxLag (8) rounds ahead, its rounds are merged alone, and the log names
     * replica 1. While alone, replica 0 learns exactly as one task does. When partition 1's deltas
     * come they are late: each is merged once, as it comes, and once replica 1 has caught up its
     * rounds complete the round again.
     */
    @Test
    void aReplicaThatSendsNothingIsExcusedOnceTheOthersAreMaxLagRoundsAheadAndItsLateDeltasMergedWhenTheyCome() {
        Logger logger = (Logger) LoggerFactory.getLogger(RoundMerger.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try (TopologyFixture f = new TopologyFixture(config(4), new Partitioning(2, 1))) {
            TestInputTopic<String, ReplicaDelta> deltas = f.driver.createInputTopic(Names.deltasTopic("ttd"),
                    new StringSerializer(), ReplicaDelta.serializer());
            // Replica 0 learns 4 examples a round; replica 1 (partition 1) gets none.
            for (int i = 0; i < 32; i++) {
                example(f, "one", i);
                example(f, "par", i);
            }
            Map<String, List<WeightSnapshot>> w = byModel(f);
            assertTrue(w.getOrDefault("par", List.of()).isEmpty(), "rounds 0 to 7 sent, round 0 waits");
            assertTrue(appender.list.isEmpty());
            List<WeightSnapshot> one = new java.util.ArrayList<>(w.get("one"));
            for (int i = 32; i < 48; i++) {
                example(f, "one", i);
                example(f, "par", i);
            }
            w = byModel(f);
            List<WeightSnapshot> par = w.get("par");
            one.addAll(w.get("one"));
            assertEquals(4, par.size(), "rounds 8 to 11 sent: rounds 0 to 3 merged, one version each");
            for (int v = 0; v < 4; v++) {
                assertEquals("merged 1 delta, 4 examples (round " + v + "; replica 1 through round -1)",
                        par.get(v).getReason().toString());
                assertEquals(4L * (v + 1), par.get(v).getExamplesSeen(), "partition 0's merged examples, exactly");
                assertSameWeights(after(one, 4L * (v + 1)), par.get(v));
            }
            assertEquals(1, appender.list.size(), "named at the first round without it, not at every one: " + appender.list);
            String message = appender.list.get(0).getFormattedMessage();
            assertTrue(message.contains("round 0 was merged without replica(s) [1] (examples partition(s) [1])")
                    && message.contains("8 rounds behind the newest delta (round 8; parallel.maxLag 8)") && message.contains("merged late, when they come"), message);

            // Partition 1's rounds 0 to 2 come (4 examples each): late, each merged as it comes, on top of round 3.
            double[][] late = {{0.5, -0.25, 0.125}, {0.25, 0.5, -0.5}, {-0.125, 0.25, 1}};
            double[] expected = RoundMergerTest.parameters(after(one, 16));
            for (int r = 0; r < 3; r++) {
                deltas.pipeInput("par", new ReplicaDelta(1, 2, r, 0, 4, 5000, late[r]), 5000);
                WeightSnapshot merged = byModel(f).get("par").get(0);
                assertEquals("merged 1 late delta, 4 examples (round 3; replica 1 through round " + r + ")",
                        merged.getReason().toString());
                assertEquals(20 + 4L * r, merged.getExamplesSeen(), "replica 1's examples counted as they are merged");
                for (int k = 0; k < 3; k++) {
                    expected[k] += late[r][k];
                }
                assertArrays(expected, RoundMergerTest.parameters(merged), "alone, a late delta moves the model by all of it");
            }
            // Replica 0's round 12: round 4, alone again, on top of them.
            for (int i = 48; i < 52; i++) {
                example(f, "one", i);
                example(f, "par", i);
            }
            w = byModel(f);
            one.addAll(w.get("one"));
            WeightSnapshot merged = w.get("par").get(0);
            assertEquals("merged 1 delta, 4 examples (round 4; replica 1 through round 2)", merged.getReason().toString());
            assertEquals(32, merged.getExamplesSeen(), "replica 0's 20 merged examples and replica 1's 12, once");
            // Replica 0's delta of round 4 is what one task learned from examples 16 to 19.
            double[] before = RoundMergerTest.parameters(after(one, 16));
            double[] after = RoundMergerTest.parameters(after(one, 20));
            for (int k = 0; k < 3; k++) {
                expected[k] += after[k] - before[k];
            }
            assertArrays(expected, RoundMergerTest.parameters(merged), "round 4");

            // Replica 1 catches up: rounds 3 and 4 late, round 5 on time completes round 5 with replica 0's.
            for (int r = 3; r < 6; r++) {
                deltas.pipeInput("par", new ReplicaDelta(1, 2, r, 0, 4, 5000, new double[3]), 5000);
            }
            List<String> reasons = byModel(f).get("par").stream().map(s -> s.getReason().toString()).toList();
            assertEquals(List.of("merged 1 late delta, 4 examples (round 4; replica 1 through round 3)",
                    "merged 1 late delta, 4 examples (round 4)", "merged 2 deltas, 8 examples (round 5)"), reasons);
            deltas.pipeInput("par", new ReplicaDelta(1, 2, 4, 0, 4, 5000, new double[3]), 5000);
            assertTrue(byModel(f).getOrDefault("par", List.of()).isEmpty(), "a merged late delta is not merged again");
            for (int i = 52; i < 56; i++) {
                example(f, "par", i);
            }
            assertTrue(byModel(f).getOrDefault("par", List.of()).isEmpty(), "caught up, replica 1 is waited for again");
            for (int r = 6; r < 14; r++) {
                deltas.pipeInput("par", new ReplicaDelta(1, 2, r, 0, 4, 5000, new double[3]), 5000);
            }
            List<WeightSnapshot> last = byModel(f).get("par");
            assertEquals("merged 2 deltas, 8 examples (round 13)", last.get(last.size() - 1).getReason().toString());
            assertEquals(112, last.get(last.size() - 1).getExamplesSeen(), "both partitions' 56 examples, each merged once");
            assertEquals(1, appender.list.stream().filter(e -> e.getFormattedMessage().contains("merged without")).count(),
                    "one stall, named once: " + appender.list);
        } finally {
            logger.detachAppender(appender);
        }
    }

    /**
     * The lagging replica adopts the versions merged without it: each version names the last of its
     * rounds it holds, and the replica adds back its own deltas after that one (not merged yet), so it
     * takes the other replica's progress and keeps all of its own.
     */
    @Test
    void aLaggingReplicaRebasesOnVersionsMergedWithoutIt() {
        StreamlearnConfig config = RoundMergerTest.config("average", 2);
        try (TopologyFixture f = new TopologyFixture(config, new Partitioning(2, 1))) {
            TestInputTopic<String, ReplicaDelta> deltas = f.driver.createInputTopic(Names.deltasTopic("ttd"),
                    new StringSerializer(), ReplicaDelta.serializer());
            // Replica 1 (by hand) is two rounds ahead: round 0 goes without replica 0.
            for (int r = 0; r < 3; r++) {
                deltas.pipeInput("par", new ReplicaDelta(1, 2, r, 0, 4, 5000, new double[] {0.25, 0.25, 0.25}), 5000);
            }
            WeightSnapshot v1 = byModel(f).get("par").get(0);
            assertEquals("merged 1 delta, 4 examples (round 0; replica 0 through round -1)", v1.getReason().toString());

            // Replica 0's round 0: the replica adopts version 1, which holds none of its rounds; at the merge it is late.
            for (int i = 0; i < 4; i++) {
                example(f, "par", i);
            }
            ReplicaState r0 = stored(f, config);
            assertEquals(1, r0.baseVersion);
            assertEquals(-1, r0.adoptedThrough);
            assertEquals(1, r0.unmerged.size(), "its round 0, not merged yet when it synced");
            assertRebased(r0, v1);
            assertEquals("merged 1 late delta, 4 examples (round 0)", byModel(f).get("par").get(0).getReason().toString());

            // Replica 1's round 3: round 1 without replica 0, whose round 0 that version holds.
            deltas.pipeInput("par", new ReplicaDelta(1, 2, 3, 0, 4, 5000, new double[] {0.25, 0.25, 0.25}), 5000);
            WeightSnapshot v3 = byModel(f).get("par").get(0);
            assertEquals(3, v3.getVersion());
            assertEquals("merged 1 delta, 4 examples (round 1; replica 0 through round 0)", v3.getReason().toString());
            assertEquals(12, v3.getExamplesSeen());
            for (int i = 4; i < 8; i++) {
                example(f, "par", i);
            }
            r0 = stored(f, config);
            assertEquals(3, r0.baseVersion, "a newer version is adopted though it holds only replica 0's round 0");
            assertEquals(0, r0.adoptedThrough);
            assertEquals(1, r0.unmerged.size(), "round 0 is in version 3; round 1 is not");
            assertRebased(r0, v3);
            assertEquals("merged 1 late delta, 4 examples (round 1)", byModel(f).get("par").get(0).getReason().toString());

            deltas.pipeInput("par", new ReplicaDelta(1, 2, 4, 0, 4, 5000, new double[] {0.25, 0.25, 0.25}), 5000);
            WeightSnapshot v5 = byModel(f).get("par").get(0);
            assertEquals("merged 1 delta, 4 examples (round 2; replica 0 through round 1)", v5.getReason().toString());
            assertEquals(20, v5.getExamplesSeen(), "every example of both replicas merged once");
        }
    }

    /** One task's version after {@code examples} examples. */
    private static WeightSnapshot after(List<WeightSnapshot> versions, long examples) {
        return versions.stream().filter(s -> s.getExamplesSeen() == examples).findFirst()
                .orElseThrow(() -> new AssertionError("no version after " + examples + " examples: " + versions.stream()
                        .map(WeightSnapshot::getExamplesSeen).toList()));
    }

    private static void assertArrays(double[] expected, double[] actual, String what) {
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], actual[k], TOL, what + ", parameter " + k);
        }
    }

    private static ReplicaState stored(TopologyFixture f, StreamlearnConfig config) {
        byte[] stored = f.driver.<String, byte[]>getKeyValueStore(Names.REPLICA_STORE).get("par");
        return ReplicaState.decode(stored, config.model("par"), io.streamlearn.codec.Codecs.checkpoints());
    }

    /** The replica's weights and base are the version's plus its own deltas the version does not hold. */
    private static void assertRebased(ReplicaState r, WeightSnapshot version) {
        double[] expected = RoundMergerTest.parameters(version);
        for (double[] mine : r.unmerged) {
            for (int k = 0; k < expected.length; k++) {
                expected[k] += mine[k];
            }
        }
        double[] weights = new double[expected.length];
        io.streamlearn.model.Parameters.read(r.learner.network(), weights);
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], r.base[k], TOL, "base " + k);
            assertEquals(expected[k], weights[k], TOL, "weight " + k);
        }
    }

    /**
     * A standardised model: the replica sends its round's scaler statistics, the merge adds them to
     * the model's and the replica rebases on them, so with one partition it still learns as one task
     * (its scaler built by merges instead of one example at a time: equal up to rounding).
     */
    @Test
    void oneScaledReplicaLearnsAsOneTaskWould() {
        try (TopologyFixture f = new TopologyFixture(scaledConfig(4), new Partitioning(1, 1))) {
            for (int i = 0; i < 40; i++) {
                example(f, "one", i);
                example(f, "par", i);
            }
            Map<String, List<WeightSnapshot>> w = byModel(f);
            WeightSnapshot par = w.get("par").get(w.get("par").size() - 1);
            WeightSnapshot one = w.get("one").get(w.get("one").size() - 1);
            assertEquals("merged 1 delta, 4 examples (round 9)", par.getReason().toString());
            assertEquals(40, par.getScaler().getCount(), "the merged model's scaler counts every example once");
            List<Double> sa = one.getScaler().getStatistics();
            List<Double> sb = par.getScaler().getStatistics();
            for (int i = 0; i < sa.size(); i++) {
                assertEquals(sa.get(i), sb.get(i), TOL * Math.max(1, Math.abs(sa.get(i))), "statistic " + i);
            }
            assertSameWeights(one, par);
        }
    }

    /** Two replicas' statistics of a round: the merged scaler holds both, by count (not by the merge rule). */
    @Test
    void aRoundsScalerStatisticsAreAddedInFull() {
        try (TopologyFixture f = new TopologyFixture(scaledConfig(4), new Partitioning(2, 1))) {
            TestInputTopic<String, ReplicaDelta> deltas = f.driver.createInputTopic(Names.deltasTopic("ttd"),
                    new StringSerializer(), ReplicaDelta.serializer());
            for (int i = 0; i < 4; i++) {
                example(f, "par", i);
            }
            // Replica 1 saw 2 examples, features (10, 20) and (30, 20): means 20 and 20, M2 200 and 0.
            ScalerStatistics theirs = new ScalerStatistics(2, new double[] {20, 20, 200, 0, 10, 20, 30, 20});
            deltas.pipeInput("par", new ReplicaDelta(1, 2, 0, 0, 2, 5000, new double[] {0, 0, 0}, theirs), 5000);
            WeightSnapshot merged = byModel(f).get("par").get(0);
            assertEquals(6, merged.getScaler().getCount());
            // Replica 0's features (i % 5 · 0.3, i % 3 − 1) for i = 0..3: (0, −1), (0.3, 0), (0.6, 1), (0.9, −1).
            double[][] all = {{0, -1}, {0.3, 0}, {0.6, 1}, {0.9, -1}, {10, 20}, {30, 20}};
            List<Double> st = merged.getScaler().getStatistics();
            for (int j = 0; j < 2; j++) {
                double mean = 0;
                for (double[] x : all) {
                    mean += x[j] / all.length;
                }
                double m2 = 0;
                for (double[] x : all) {
                    m2 += (x[j] - mean) * (x[j] - mean);
                }
                assertEquals(mean, st.get(j), TOL * Math.abs(mean), "mean " + j);
                assertEquals(m2, st.get(2 + j), TOL * m2, "M2 " + j);
            }
            assertEquals(30.0, st.get(6), 0.0, "max of feature 0");

            // Replica 0's next sync adopts the merged version: its scaler becomes the merged one's (6 examples)
            // plus its own round 1 (4 more), so it standardises with the other replica's examples too.
            for (int i = 4; i < 8; i++) {
                example(f, "par", i);
            }
            byte[] stored = f.driver.<String, byte[]>getKeyValueStore(Names.REPLICA_STORE).get("par");
            ReplicaState replica = ReplicaState.decode(stored, f.config.model("par"), io.streamlearn.codec.Codecs.checkpoints());
            io.streamlearn.model.FeatureScaler scaler = replica.learner.network().scaler();
            assertEquals(10, scaler.count());
            double mean0 = (0 + 0.3 + 0.6 + 0.9 + 10 + 30 + 1.2 + 0 + 0.3 + 0.6) / 10;
            assertEquals(mean0, scaler.mean(0), TOL);
            assertEquals(0, replica.roundScaler.count(), "a new round's statistics start empty");
        }
    }
}
