package io.streamlearn.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.Test;

/**
 * The bounded wait of the merge, on the real topology with both replicas' deltas fed by hand (no
 * examples, so the driver's own replica sends nothing): a round is merged without a replica once
 * another's delta is maxLag rounds ahead, the lagging replica's late deltas are merged as they come
 * (even when no other replica sends any more), its watermark travels in the version's reason, and a
 * late delta delivered twice is merged once. Deltas are dyadic, so the expected parameters are exact.
 */
class RoundMergerTest {

    /** One linear model, 'par', from zero weights, on two examples partitions' replicas. */
    static StreamlearnConfig config(String merge, int maxLag) {
        return ConfigLoader.fromYaml("""
                applicationId: ttd
                defaultModel: par
                models:
                  - id: par
                    inputSize: 2
                    layers: [{units: 1, activation: linear}]
                    loss: squared_error
                    initialWeights: [[0, 0]]
                    initialBiases: [[0]]
                    parallel: {syncEvery: 4, merge: %s, maxLag: %d}
                """.formatted(merge, maxLag), Map.of());
    }

    private record Run(TopologyFixture f, TestInputTopic<String, ReplicaDelta> deltas) implements AutoCloseable {
        static Run open(String merge, int maxLag) {
            TopologyFixture f = new TopologyFixture(config(merge, maxLag), new Partitioning(2, 1));
            return new Run(f, f.driver.createInputTopic(Names.deltasTopic("ttd"), new StringSerializer(),
                    ReplicaDelta.serializer()));
        }

        @Override
        public void close() {
            f.close();
        }

        void send(int replica, long round, long examples, double... d) {
            deltas.pipeInput("par", new ReplicaDelta(replica, 2, round, 0, examples, 1000 + round, d), 1000 + round);
        }

        /** The one version published since the last look, which must say {@code reason} and count {@code examplesSeen}. */
        WeightSnapshot published(String reason, long examplesSeen) {
            List<WeightSnapshot> v = versions();
            assertEquals(1, v.size(), v.toString());
            assertEquals(reason, v.get(0).getReason().toString());
            assertEquals(examplesSeen, v.get(0).getExamplesSeen(), reason);
            return v.get(0);
        }

        List<WeightSnapshot> versions() {
            return f.readWeights().stream().filter(s -> s.getModel().toString().equals("par")).toList();
        }
    }

    /** A one-unit layer's two weights and bias, in the order of the parameter vector. */
    static double[] parameters(WeightSnapshot s) {
        List<Double> w = s.getLayers().get(0).getWeights();
        return new double[] {w.get(0), w.get(1), s.getLayers().get(0).getBiases().get(0)};
    }

    @Test
    void aRoundIsMergedWithoutAReplicaMaxLagRoundsBehindAndItsLateDeltasWhenTheyCome() {
        try (Run run = Run.open("sum", 2)) {
            run.send(0, 0, 4, 0.5, 0, 0);
            run.send(0, 1, 4, 0.25, 0, 0);
            assertTrue(run.versions().isEmpty(), "replica 0 one round ahead of round 0: it still waits for replica 1");

            // Two rounds ahead (maxLag 2): round 0 goes without replica 1.
            run.send(0, 2, 4, 0.125, 0, 0);
            WeightSnapshot v = run.published("merged 1 delta, 4 examples (round 0; replica 1 through round -1)", 4);
            assertArrayEquals(new double[] {0.5, 0, 0}, parameters(v), 0.0);
            run.send(0, 3, 4, 0.0625, 0, 0);
            assertEquals("merged 1 delta, 4 examples (round 1; replica 1 through round -1)",
                    run.versions().get(0).getReason().toString());

            // Replica 0 has stopped; replica 1's rounds 0 and 1 are late, and merged as they come, one version each.
            run.send(1, 0, 2, 0, 1, 0);
            v = run.published("merged 1 late delta, 2 examples (round 1; replica 1 through round 0)", 10);
            assertArrayEquals(new double[] {0.75, 1, 0}, parameters(v), 0.0);
            run.send(1, 1, 2, 0, 0.5, 0);
            run.published("merged 1 late delta, 2 examples (round 1)", 12);

            // Its round 2 is on time: round 2 waits for it again, and is complete.
            run.send(1, 2, 2, 0, 0, 0.25);
            v = run.published("merged 2 deltas, 6 examples (round 2)", 18);
            assertArrayEquals(new double[] {0.875, 1.5, 0.25}, parameters(v), 0.0);
        }
    }

    /** A late delta is merged alone, so under average it moves the model by all of it, as a round of one replica does. */
    @Test
    void aLateDeltaIsMergedInFullUnderAverage() {
        try (Run run = Run.open("average", 1)) {
            run.send(0, 0, 4, 1, 0, 0);
            assertTrue(run.versions().isEmpty());
            run.send(0, 1, 4, 0.5, 0, 0);
            assertArrayEquals(new double[] {1, 0, 0}, parameters(run.versions().get(0)), 0.0);
            run.send(1, 0, 12, 0, 1, 0);
            WeightSnapshot merged = run.versions().get(0);
            assertEquals("merged 1 late delta, 12 examples (round 0)", merged.getReason().toString());
            assertArrayEquals(new double[] {1, 1, 0}, parameters(merged), 0.0);
            run.send(1, 1, 4, 0, 0.5, 0);
            merged = run.versions().get(0);
            assertEquals("merged 2 deltas, 8 examples (round 1)", merged.getReason().toString());
            // 1 + 4/8 · 0.5 and 1 + 4/8 · 0.5: the round's two deltas weighed by their examples.
            assertArrayEquals(new double[] {1.25, 1.25, 0}, parameters(merged), 0.0);
        }
    }

    @Test
    void aLateDeltaDeliveredTwiceIsMergedOnce() {
        try (Run run = Run.open("sum", 1)) {
            run.send(0, 0, 4, 0.5, 0, 0);
            run.send(0, 1, 4, 0.25, 0, 0);
            assertEquals("merged 1 delta, 4 examples (round 0; replica 1 through round -1)",
                    run.versions().get(0).getReason().toString());
            run.send(1, 0, 3, 0, 1, 0);
            assertEquals("merged 1 late delta, 3 examples (round 0)", run.versions().get(0).getReason().toString());
            run.send(1, 0, 3, 0, 1, 0);
            assertTrue(run.versions().isEmpty(), "a copy of a merged late delta is dropped");
            run.send(0, 2, 4, 0.125, 0, 0);
            WeightSnapshot merged = run.versions().get(0);
            assertEquals("merged 1 delta, 4 examples (round 1; replica 1 through round 0)", merged.getReason().toString());
            assertEquals(11, merged.getExamplesSeen());
            run.send(1, 0, 3, 0, 1, 0);
            assertTrue(run.versions().isEmpty(), "still dropped after later rounds");
            assertArrayEquals(new double[] {0.75, 1, 0}, parameters(merged), 0.0);
        }
    }

    /**
     * A rounds store written before the bounded wait held the next round alone: every replica merged
     * up to it. It is still written, so instances can be upgraded one at a time.
     */
    @Test
    void theNextRoundAloneIsStillRead() {
        try (Run run = Run.open("sum", 2)) {
            run.f().driver.<String, byte[]>getKeyValueStore(Names.ROUNDS_STORE).put("par\u0000next",
                    java.nio.ByteBuffer.allocate(8).putLong(5).array());
            run.send(1, 4, 4, 0, 1, 0);
            assertTrue(run.versions().isEmpty(), "round 4 of replica 1 was merged before: dropped");
            run.send(0, 5, 4, 0.5, 0, 0);
            run.send(1, 5, 4, 0, 0.5, 0);
            WeightSnapshot merged = run.versions().get(0);
            assertEquals("merged 2 deltas, 8 examples (round 5)", merged.getReason().toString());
            assertArrayEquals(new double[] {0.5, 0.5, 0}, parameters(merged), 0.0);

            // Still written for an older instance to read, and taken from it when that one merged further.
            var store = run.f().driver.<String, byte[]>getKeyValueStore(Names.ROUNDS_STORE);
            assertEquals(6, java.nio.ByteBuffer.wrap(store.get("par\u0000next")).getLong());
            store.put("par\u0000next", java.nio.ByteBuffer.allocate(8).putLong(9).array());
            run.send(0, 8, 4, 0.5, 0, 0);
            assertTrue(run.versions().isEmpty(), "round 8 was merged by the older instance");
            run.send(0, 9, 4, 0.25, 0, 0);
            run.send(1, 9, 4, 0, 0.25, 0);
            assertEquals("merged 2 deltas, 8 examples (round 9)", run.versions().get(0).getReason().toString(),
                    "no replica behind");
        }
    }

    @Test
    void aVersionSaysWhichRoundsOfEachReplicaItHolds() {
        String one = "merged 3 deltas, 192 examples (round 12; replica 1 through round 5)";
        assertEquals(12, RoundMerger.mergedThrough(one));
        assertEquals(12, RoundMerger.mergedThrough(one, 0));
        assertEquals(5, RoundMerger.mergedThrough(one, 1));
        assertEquals(12, RoundMerger.mergedThrough(one, 2));
        String two = "merged 5 deltas, 90 examples (round 7 to 9; replica 1 through round 5, replica 3 through round -1)";
        assertEquals(9, RoundMerger.mergedThrough(two));
        assertEquals(9, RoundMerger.mergedThrough(two, 0));
        assertEquals(5, RoundMerger.mergedThrough(two, 1));
        assertEquals(9, RoundMerger.mergedThrough(two, 2));
        assertEquals(-1, RoundMerger.mergedThrough(two, 3));
        assertEquals(7, RoundMerger.mergedThrough("merged 2 deltas, 640 examples (round 7)", 1), "every replica through it");
        String late = "merged 1 late delta, 4 examples (round 12; replica 1 through round 3)";
        assertEquals(12, RoundMerger.mergedThrough(late));
        assertEquals(3, RoundMerger.mergedThrough(late, 1));
        assertEquals(-1, RoundMerger.mergedThrough("retrain", 1));
        assertEquals(-1, RoundMerger.mergedThrough(null, 0));
        assertEquals(-1, RoundMerger.mergedThrough("merged 2 deltas, 640 examples (round 7; replica 1)"), "not a merge's reason");
    }
}
