package io.streamlearn.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.demo.TutorialDemo;
import io.streamlearn.testing.KafkaBroker;
import io.streamlearn.testing.KafkaCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The demo's flow end to end on a real broker: accuracy is read back from scored-events. */
@ExtendWith(KafkaBroker.class)
class DemoIT {

    @Test
    void theTutorialReachesFullTestAccuracyThroughKafka(KafkaCluster kafka, @TempDir Path state) throws Exception {
        String run = "demo-" + UUID.randomUUID().toString().substring(0, 8);
        StreamlearnConfig config = TutorialDemo.configure(ConfigLoader.load(null, Map.of(
                "applicationId", run,
                "bootstrapServers", kafka.bootstrapServers(),
                "topics.prefix", run + "-",
                "stateDir", Files.createDirectories(state.resolve("s")).toString())));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        TutorialDemo.Result r = TutorialDemo.run(config, new PrintStream(log, true), Duration.ofSeconds(60));
        assertEquals(150, r.trained());
        assertEquals(150, r.examplesSeen());
        assertEquals(50, r.scored(), "every test row came back from scored-events");
        assertEquals(50, r.correct(), "the tutorial's 100 % test accuracy:\n" + log);
        assertEquals(1.0, r.accuracy());
        assertEquals(3, r.version(), "published after updates 50, 100 and 150");
    }
}
