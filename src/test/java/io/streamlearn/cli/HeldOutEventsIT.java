package io.streamlearn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.app.StreamlearnApp;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.testing.KafkaCluster;
import io.streamlearn.testing.WithKafka;
import io.streamlearn.topology.TopologyListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Held-out events are scored by the weights trained on every example sent before them: produce
 * waits for the learner's consumer group to pass the examples (and, with several partitions, the
 * internal repartition topic written in transactions) before sending them.
 */
@WithKafka
class HeldOutEventsIT {

    @Test
    void theNewestWeightsScoreTheHeldOutEventsAcrossPartitions(KafkaCluster kafka, @TempDir Path state) {
        String run = "held-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> common = List.of("-b", kafka.bootstrapServers(), "--config", "examples/tutorial.yaml",
                "--topic-prefix", run + "-", "--set", "applicationId=" + run, "--set", "topics.partitions=3");
        StreamlearnConfig config = ConfigLoader.load(Path.of("examples/tutorial.yaml"), Map.of("bootstrapServers",
                kafka.bootstrapServers(), "topics.prefix", run + "-", "applicationId", run, "topics.partitions", "3",
                "stateDir", state.toString()));
        try (StreamlearnApp app = StreamlearnApp.start(config, TopologyListener.NONE, Duration.ofSeconds(60))) {
            // Enough examples that the learner is still training on them when produce has sent them all.
            Cli.Result examples = Cli.run(with(common, "produce", "--generator", "xor", "--model", "xor-hidden", "--count", "20000"));
            assertEquals(0, examples.exit(), examples.toString());
            Cli.Result p = Cli.run(with(common, "produce", "--generator", "xor", "--model", "xor-hidden", "--count", "4",
                    "--holdout", "1", "--wait-for-weights", "120"));
            assertEquals(0, p.exit(), p.toString());
            assertFalse(p.err().contains("warning"), "caught up, not timed out: " + p);

            Cli.Result t = Cli.run(with(common, "tail", "scored-events", "--from-beginning", "--model", "xor-hidden", "--max", "4",
                    "--timeout", "60"));
            List<String> lines = t.out().lines().toList();
            assertEquals(4, lines.size(), t.toString());
            // 20000 stochastic updates, a snapshot every 100: version 200 is the one after the last example.
            assertTrue(lines.stream().allMatch(l -> l.contains(" model=xor-hidden v200 ")), t.toString());
        }
    }

    private static String[] with(List<String> common, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(common);
        return all.toArray(String[]::new);
    }
}
