package io.streamlearn.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamlearn.app.KafkaProperties;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.kafka.Topics;
import io.streamlearn.snapshot.WeightsReader;
import io.streamlearn.testing.ChildJvm;
import io.streamlearn.testing.CommittedRecords;
import io.streamlearn.testing.Eventually;
import io.streamlearn.testing.KafkaCluster;
import io.streamlearn.testing.WithKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model catalogue as an operator uses it, every part its own process: the learner is
 * {@code java -jar target/streamlearn.jar run}; {@code model add} and {@code model retire} are the
 * jar too; examples go in with kcat. A model added by command is trained; retired, then the
 * learner SIGKILLed and started again, it stays retired (its examples dead-lettered MODEL_RETIRED)
 * and its weights stay on {@code weights}.
 */
@WithKafka
class CatalogueProcessIT {
    private static final String KCAT = "/usr/bin/kcat";

    @Test
    void aModelAddedAndRetiredByCommandOutlivesASigkill(KafkaCluster kafka, @TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of(KCAT)), "kcat is not installed: apt-get install kcat");
        String run = "catproc-" + UUID.randomUUID().toString().substring(0, 8);
        Path configFile = Files.writeString(dir.resolve("config.yaml"), """
                applicationId: %s
                topics: {prefix: %s-}
                formats: {examples: json, events: json, scoredEvents: json, weights: json}
                defaultModel: a
                models:
                  - {id: a, inputSize: 2}
                """.formatted(run, run));
        StreamlearnConfig config = ConfigLoader.load(configFile, Map.of("bootstrapServers", kafka.bootstrapServers()));
        String b = kafka.bootstrapServers();
        Path state = dir.resolve("state");
        Path logs = Files.createDirectories(dir.resolve("logs"));
        ChildLearner learner = ChildLearner.startJar(configFile, kafka.bootstrapServers(), state, logs, 0).awaitRunning();
        try {
            jar(dir, b, "model", "add", "b", "inputSize=2", "snapshot.everyUpdates=10");
            kcat(dir, b, config.topics().examples(), examples(100, 1));
            Properties client = new Properties();
            client.putAll(KafkaProperties.common(config));
            Eventually.await(() -> newest(config, client, "b") != null && newest(config, client, "b").getExamplesSeen() == 100,
                    "b trained on its 100 examples");
            long version = newest(config, client, "b").getVersion();

            jar(dir, b, "model", "retire", "b");
            learner.awaitLogLine("Model 'b' retired");
            learner.kill();
            learner = ChildLearner.startJar(configFile, kafka.bootstrapServers(), state, logs, 1).awaitRunning();
            kcat(dir, b, config.topics().examples(), examples(10, 2));
            long retired = CommittedRecords.readAll(KafkaProperties.common(config), config.topics().deadLetters(), 10).stream()
                    .filter(r -> new String(r.headers().lastHeader("streamlearn.dlq.reason").value(), StandardCharsets.UTF_8)
                            .equals("MODEL_RETIRED")).count();
            assertEquals(10, retired, "after the restart b is still retired: " + learner.log());
            assertEquals(version, newest(config, client, "b").getVersion(), "its weights stay, and nothing newer");
            String list = jar(dir, b, "model", "list");
            assertTrue(list.lines().anyMatch(l -> l.startsWith("b ") && l.contains("retired") && l.contains("command")), list);
        } finally {
            learner.kill();
        }
    }

    private static WeightSnapshot newest(StreamlearnConfig config, Properties client, String model) {
        return WeightsReader.latest(client, config.topics().weights(), Topics.of(config).weights().codec()).get(model);
    }

    private static String examples(int n, long seed) {
        Random r = new Random(seed);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n; i++) {
            double x = r.nextGaussian();
            double y = r.nextGaussian();
            out.append(seed).append('-').append(i).append('\t').append("{\"model\": \"b\", \"features\": [").append(x).append(", ")
                    .append(y).append("], \"label\": ").append(x + y > 0 ? 1 : 0).append("}\n");
        }
        return out.toString();
    }

    private static void kcat(Path dir, String bootstrap, String topic, String lines) throws Exception {
        Path file = Files.writeString(dir.resolve(topic + "-" + UUID.randomUUID() + ".tsv"), lines);
        Process p = ChildJvm.withTmpdir(new ProcessBuilder(KCAT, "-P", "-b", bootstrap, "-t", topic, "-K", "\t", "-l",
                file.toString())).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kcat finished");
        assertEquals(0, p.exitValue(), "kcat: " + out);
    }

    /** {@code java -jar target/streamlearn.jar ARGS --config config.yaml}: what it printed; it must exit 0. */
    private static String jar(Path dir, String bootstrap, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(ChildJvm.java("-jar", Path.of("target", "streamlearn.jar").toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--config", dir.resolve("config.yaml").toString(), "-b", bootstrap));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished: " + cmd);
        assertEquals(0, p.exitValue(), cmd + ":\n" + out);
        return out;
    }

}
