package io.streamlearn.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.streamlearn.codec.ScoredEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Scoring with the newest published weights, and switching when a newer version is published. */
class ScoringTopologyTest {

    @Test
    void scoresWithTheNewestVersionAndKeepsTheKey() {
        try (TopologyFixture f = new TopologyFixture(TrainingTopologyTest.linearModel("{mode: stochastic}", 1))) {
            f.example("{\"features\": [1, 2], \"label\": 1}", 100);
            f.event("user-7", "{\"id\": \"e1\", \"features\": [1, 1]}", 150);
            var scored = f.scored.readRecordsToList();
            assertEquals(1, scored.size());
            assertArrayEquals(TopologyFixture.utf8("user-7"), scored.get(0).key(), "the input's key");
            ScoredEvent p1 = f.readScoredValue(scored.get(0).value());
            assertEquals("e1", p1.id());
            assertEquals("lin", p1.model());
            assertEquals(1, p1.version());
            assertEquals(150, p1.timestamp());
            // w = (0.1, 0.2), b = 0.1: output 0.4 for (1, 1).
            assertEquals(0.4, p1.output()[0], 1e-12);

            f.example("{\"features\": [2, 0], \"label\": 0}", 200);
            f.event("user-7", "{\"id\": \"e2\", \"features\": [1, 1]}", 250);
            List<ScoredEvent> later = f.readScored();
            assertEquals(2, later.get(0).version(), "scoring switched to the newer version");
            // w = (0.04, 0.2), b = 0.07: output 0.31.
            assertEquals(0.31, later.get(0).output()[0], 1e-12);
            assertNotEquals(p1.output()[0], later.get(0).output()[0]);
        }
    }

    @Test
    void predictedLabelFollowsTheOutputActivation() {
        String yaml = """
                applicationId: ttd
                models:
                  - id: default
                    inputSize: 2
                    layers: [{units: 1, activation: step}]
                    loss: perceptron
                    optimizer: {kind: sgd, learningRate: 1}
                    initialWeights: [[1, 1]]
                    initialBiases: [[-1]]
                    snapshot: {everyUpdates: 1}
                """;
        try (TopologyFixture f = new TopologyFixture(yaml)) {
            f.example("{\"features\": [0, 0], \"label\": 0}", 1);
            String[] or = {"[0, 0]", "[1, 0]", "[0, 1]", "[1, 1]"};
            for (String x : or) {
                f.event(null, "{\"features\": " + x + "}", 2);
            }
            List<ScoredEvent> p = f.readScored();
            assertEquals(List.of(0, 1, 1, 1), p.stream().map(ScoredEvent::label).toList(), "the tutorial's OR table");
        }
    }
}
