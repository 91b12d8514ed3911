package io.streamlearn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.testing.KafkaCluster;
import io.streamlearn.testing.RunsAlone;
import io.streamlearn.testing.WithKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code retrain} on a topic larger than its JVM's heap: the replay re-reads the range from Kafka
 * every epoch and shuffles within a bounded buffer, so it completes where holding the examples
 * would run out of memory. The retrain runs in a child JVM of the jar with a small {@code -Xmx}.
 */
@RunsAlone
@WithKafka
class RetrainMemoryIT {
    private static final int HEAP_MB = 48;
    private static final int EXAMPLES = 200_000;
    private static final int DIMS = 50;

    @TempDir
    Path dir;

    @Test
    void aTopicLargerThanTheHeapIsReplayedForEveryEpoch(KafkaCluster kafka) throws Exception {
        String prefix = "mem-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        Path config = dir.resolve("wide.yaml");
        Files.writeString(config, """
                defaultModel: wide
                models:
                  - id: wide
                    inputSize: %d
                    layers: [{units: 1, activation: sigmoid}]
                    loss: binary_cross_entropy
                    optimizer: {kind: adam, learningRate: 0.01}
                """.formatted(DIMS));
        List<String> connection = List.of("--config", config.toString(), "-b", kafka.bootstrapServers(), "--topic-prefix", prefix);

        List<String> produce = new ArrayList<>(List.of("produce", "--generator", "gaussian", "--dims", Integer.toString(DIMS),
                "--count", Integer.toString(EXAMPLES), "--seed", "3", "--no-progress"));
        produce.addAll(connection);
        Cli.Result produced = Cli.run(produce.toArray(String[]::new));
        assertEquals(0, produced.exit(), produced.toString());

        long topicBytes = topicBytes(kafka.bootstrapServers(), prefix + "examples");
        // Decoded, every example is DIMS doubles and more: the topic's bytes understate what holding it would take.
        assertTrue(topicBytes > 2L * HEAP_MB * 1024 * 1024,
                "the examples topic (" + topicBytes + " bytes) is over twice the retrain's " + HEAP_MB + " MB heap");

        List<String> retrain = new ArrayList<>(List.of("retrain", "--epochs", "2", "--batch-size", "100", "--shuffle",
                "--buffer", "1000", "--no-publish", "--no-progress"));
        retrain.addAll(connection);
        TheJar.Result r = TheJar.run(List.of("-Xmx" + HEAP_MB + "m"), 180, retrain);
        String out = r.output();
        assertEquals(0, r.exit(), out);
        assertTrue(out.contains("epoch 2/2"), out);
        assertTrue(out.contains("(" + EXAMPLES + " examples, " + EXAMPLES / 100 + " updates)"), out);
        assertTrue(!out.contains("OutOfMemoryError"), out);
    }

    private static long topicBytes(String bootstrap, String topic) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            int broker = admin.describeCluster().nodes().get().iterator().next().id();
            Map<String, LogDirDescription> dirs = admin.describeLogDirs(List.of(broker)).allDescriptions().get().get(broker);
            long bytes = 0;
            for (LogDirDescription d : dirs.values()) {
                for (Map.Entry<TopicPartition, ReplicaInfo> e : d.replicaInfos().entrySet()) {
                    if (e.getKey().topic().equals(topic)) {
                        bytes += e.getValue().size();
                    }
                }
            }
            return bytes;
        }
    }


}
