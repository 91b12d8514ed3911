package io.streamlearn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlearn.testing.RunsAlone;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** `streamlearn bench` on a tiny stream: every row is there (no timing is asserted). */
@RunsAlone
class BenchCommandIT {

    @Test
    void everyWorkloadAndLatencyRowIsReported() throws Exception {
        Cli.Result r = Cli.run("bench", "--count", "2000", "--latency-rate", "500", "--latency-seconds", "1", "--outside-pairs", "1",
                "--json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode root = new ObjectMapper().readTree(r.out());
        List<String> rows = new ArrayList<>();
        root.get("throughput").forEach(t -> {
            rows.add(t.get("guarantee").asText() + " " + t.get("workload").asText());
            assertTrue(t.get("recordsPerSecond").asDouble() > 0, t.toString());
        });
        for (String g : List.of("at_least_once", "exactly_once_v2")) {
            for (String w : List.of("pass-through", "train stochastic", "train count", "train window",
                    "pass-through (events)", "score")) {
                assertTrue(rows.contains(g + " " + w), "row " + g + " " + w + " in " + rows);
            }
        }
        assertEquals(8, root.get("latency").size(), "scoring and pass-through, fixed rate and full speed, for both guarantees");
        List<String> latencyRows = new ArrayList<>();
        root.get("latency").forEach(l -> latencyRows.add(l.get("guarantee").asText() + " " + l.get("workload").asText()
                + " " + (l.get("offeredRate").asDouble() > 0 ? "fixed" : "full")));
        for (String g : List.of("at_least_once", "exactly_once_v2")) {
            for (String w : List.of("score", "pass-through")) {
                for (String rate : List.of("fixed", "full")) {
                    assertTrue(latencyRows.contains(g + " " + w + " " + rate), g + " " + w + " " + rate + " in " + latencyRows);
                }
            }
        }
        root.get("latency").forEach(l -> assertTrue(l.get("events").asLong() > 0, l.toString()));
        // The learner's own commit latency over the run comes with each row (Kafka Streams' metric;
        // NaN when a short run saw no commit).
        root.get("latency").forEach(l -> {
            double avg = l.get("commitAvgMs").asDouble();
            double max = l.get("commitMaxMs").asDouble();
            assertTrue(Double.isNaN(avg) || (avg >= 0 && max >= avg), l.toString());
        });
        assertTrue(java.util.stream.StreamSupport.stream(root.get("latency").spliterator(), false)
                .anyMatch(l -> l.get("commitAvgMs").asDouble() >= 0), "some run committed: " + root.get("latency"));
        // The learner and the pass-through as processes of their own, timed from launch: a pair per guarantee and workload.
        List<String> outside = new ArrayList<>();
        root.get("outside").forEach(o -> {
            outside.add(o.get("guarantee").asText() + " " + o.get("workload").asText());
            assertTrue(o.get("passThroughFirstCommit").asDouble() > 0 && o.get("learnerFirstCommit").asDouble() > 0, o.toString());
            assertTrue(o.get("learnerSeconds").asDouble() >= o.get("learnerFirstCommit").asDouble(), o.toString());
        });
        for (String g : List.of("at_least_once", "exactly_once_v2")) {
            for (String w : List.of("score", "train stochastic")) {
                assertTrue(outside.contains(g + " " + w), g + " " + w + " in " + outside);
            }
        }
        assertEquals(4, root.get("medians").get("outside").size(), root.get("medians").toString());
    }

    @Test
    void roundsRepeatEveryRowAndReportTheirMedians() throws Exception {
        Cli.Result r = Cli.run("bench", "--count", "1000", "--guarantee", "at_least_once", "--modes", "stochastic",
                "--latency-rate", "500", "--latency-seconds", "1", "--runs", "2", "--outside-pairs", "0", "--json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertEquals(2, root.get("runs").asInt());
        // pass-through, train stochastic, pass-through (events), score: once per round
        assertEquals(8, root.get("throughput").size(), root.get("throughput").toString());
        for (int round = 1; round <= 2; round++) {
            int n = round;
            assertEquals(4, java.util.stream.StreamSupport.stream(root.get("throughput").spliterator(), false)
                    .filter(t -> t.get("round").asInt() == n).count(), "rows of round " + n);
        }
        JsonNode medians = root.get("medians").get("throughput");
        assertEquals(4, medians.size(), medians.toString());
        medians.forEach(t -> {
            assertEquals(2, t.get("rounds").asInt(), t.toString());
            assertEquals(2, t.get("ratios").size(), t.toString());
            double a = t.get("ratios").get(0).asDouble();
            double b = t.get("ratios").get(1).asDouble();
            assertEquals((a + b) / 2, t.get("ratioToPassThrough").asDouble(), 1e-9, t.toString());
        });
        assertEquals(4, root.get("medians").get("latency").size(), "score and pass-through, two rates");
        root.get("medians").get("latency").forEach(l -> assertEquals(2, l.get("p99s").size(), l.toString()));
        // 1,000 examples still publish a model, so scoring's latency rows have events to measure.
        root.get("latency").forEach(l -> assertTrue(l.get("events").asLong() > 0, l.toString()));
    }
}
