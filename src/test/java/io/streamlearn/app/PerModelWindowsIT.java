package io.streamlearn.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.codec.Codec;
import io.streamlearn.codec.DeadLetterReason;
import io.streamlearn.codec.LabeledExample;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.demo.TutorialDemo;
import io.streamlearn.kafka.Deliveries;
import io.streamlearn.kafka.Topics;
import io.streamlearn.model.Network;
import io.streamlearn.snapshot.DecodedSnapshot;
import io.streamlearn.testing.CommittedRecords;
import io.streamlearn.testing.KafkaBroker;
import io.streamlearn.testing.KafkaCluster;
import io.streamlearn.testing.LearnerAwait;
import io.streamlearn.topology.TopologyListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Windows per model, on a real broker: two window-mode models on one partition (so one task, one
 * stream time). Model b's records, far ahead of a's, close none of a's windows; a's record older
 * than b's joins a's open window; a record stamped half an hour ahead of the wall clock (the
 * broker takes up to an hour) is dead-lettered FUTURE_TIMESTAMP with its original bytes and moves
 * no clock, so a's windows go on closing with a's own records; a record for a's closed window is
 * dead-lettered LATE with its original bytes and the window in its detail. a's weights are those
 * of its windows alone, bit for bit.
 *
 * <p>Before windows were per model, b's records closed a's first window early (splitting it), the
 * future record was learned and moved the task's stream time half an hour ahead, and nothing was
 * dead-lettered: a's later records all fell into the future record's window, which never closed.
 */
@ExtendWith(KafkaBroker.class)
class PerModelWindowsIT {
    private static final String MODEL = """
              - id: %s
                inputSize: 2
                layers: [{units: 1, activation: sigmoid}]
                loss: binary_cross_entropy
                optimizer: {kind: sgd, learningRate: 0.5}
                scaling: none
                seed: 7
                update: {mode: window, windowMs: 1000}
                snapshot: {everyUpdates: 1, everyMs: 100000000000}
            """;

    private record Sent(String model, double[] x, int label, long timestamp) {
    }

    @Test
    void eachModelsWindowsCloseOnItsOwnEventTimeAndLateAndFutureRecordsAreDeadLettered(KafkaCluster kafka,
            @TempDir Path dir) throws Exception {
        String run = "windows-" + UUID.randomUUID().toString().substring(0, 8);
        StreamlearnConfig config = ConfigLoader.fromYaml("defaultModel: a\nmodels:\n" + MODEL.formatted("a")
                + MODEL.formatted("b"), Map.of("applicationId", run, "bootstrapServers", kafka.bootstrapServers(),
                "topics.prefix", run + "-", "stateDir", dir.toString()));
        StreamlearnApp.ensureTopics(config, Duration.ofSeconds(10));
        // An hour ago, on a whole second: windows are [T0 + k·1000, T0 + (k+1)·1000).
        long t0 = (System.currentTimeMillis() / 1000 - 3600) * 1000;
        long future = System.currentTimeMillis() + Duration.ofMinutes(30).toMillis();
        List<Sent> stream = List.of(
                new Sent("a", new double[] {1, 2}, 1, t0 + 100),
                new Sent("a", new double[] {-1, 0.5}, 0, t0 + 400),
                new Sent("b", new double[] {2, 1}, 1, t0 + 5_000),     // the task's stream time jumps ahead of a's
                new Sent("b", new double[] {0, -1}, 0, t0 + 9_000),    // closes b's [5000, 6000)
                new Sent("a", new double[] {0.5, 0.5}, 1, t0 + 600),   // a's window [0, 1000) is still open
                new Sent("a", new double[] {3, 3}, 1, future),         // FUTURE_TIMESTAMP
                new Sent("a", new double[] {-2, 1}, 0, t0 + 1_000),    // closes a's [0, 1000): x0, x1, x4
                new Sent("a", new double[] {1, 1}, 1, t0 + 500),       // LATE: [0, 1000) closed at 1000
                new Sent("a", new double[] {1, -1}, 1, t0 + 2_000),    // closes a's [1000, 2000): x6 alone
                new Sent("b", new double[] {1, 0}, 1, t0 + 10_000));   // closes b's [9000, 10000)
        Codec<LabeledExample> codec = Topics.of(config).examples().codec();
        List<byte[]> values = new ArrayList<>();
        List<RecordMetadata> written = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(TutorialDemo.producerProps(config))) {
            for (int i = 0; i < stream.size(); i++) {
                Sent s = stream.get(i);
                byte[] value = codec.encode(LabeledExample.of("e" + i, s.model(), s.x(), s.label()));
                values.add(value);
                // One at a time: the offsets are the stream's order.
                written.add(p.send(new ProducerRecord<>(config.topics().examples(), null, s.timestamp(), null, value),
                        new Deliveries()).get());
            }
        }

        Map<String, Integer> deadLettersByReason = new ConcurrentHashMap<>();
        TopologyListener listener = new TopologyListener() {
            @Override
            public void deadLetter(String sourceTopic, DeadLetterReason reason) {
                deadLettersByReason.merge(reason.name(), 1, Integer::sum);
            }
        };
        try (StreamlearnApp app = StreamlearnApp.start(config, listener, Duration.ofSeconds(30))) {
            LearnerAwait.until(app, Duration.ofSeconds(60), () -> version(app, "a") >= 2 && version(app, "b") >= 2,
                    () -> "a and b publish their second windows (a at version " + version(app, "a") + ", b at "
                            + version(app, "b") + ")");

            DecodedSnapshot a = app.registry().get("a");
            DecodedSnapshot b = app.registry().get("b");
            assertEquals(2, a.version(), "one version per closed window of a's");
            assertEquals(2, a.snapshot().getUpdatesApplied());
            assertEquals(5, a.snapshot().getExamplesSeen(), "a learned its five in-time examples, not the future or late one");
            assertEquals(2, b.snapshot().getUpdatesApplied());
            assertEquals(3, b.snapshot().getExamplesSeen());

            // a's windows hold exactly its own records: [0, 1000) = x0, x1, x4, then [1000, 2000) = x6, whose gradient
            // is taken after the first window's update, as the example that closed it came.
            Network reference = Network.initialize(config.model("a").spec());
            for (int i : new int[] {0, 1, 4}) {
                reference.accumulate(stream.get(i).x(), new double[] {stream.get(i).label()});
            }
            reference.applyUpdate();
            reference.accumulate(stream.get(6).x(), new double[] {stream.get(6).label()});
            reference.applyUpdate();
            assertArrayEquals(reference.weights(0), a.network().weights(0), 0.0, "a's weights, bit for bit");
            assertArrayEquals(reference.biases(0), a.network().biases(0), 0.0);

            List<ConsumerRecord<byte[], byte[]>> dead = CommittedRecords.readAll(KafkaProperties.common(config),
                    config.topics().deadLetters(), 2);
            assertEquals(2, dead.size(), "the future and the late record, nothing else");
            ConsumerRecord<byte[], byte[]> futureLetter = dead.get(0);
            assertEquals("FUTURE_TIMESTAMP", header(futureLetter, "streamlearn.dlq.reason"));
            assertArrayEquals(values.get(5), futureLetter.value(), "its original bytes");
            assertEquals(Long.toString(written.get(5).offset()), header(futureLetter, "streamlearn.dlq.offset"));
            assertEquals(Long.toString(future), header(futureLetter, "streamlearn.dlq.timestamp"));
            assertTrue(futureLetter.timestamp() < future, "stamped with the learner's clock, not the record's");

            ConsumerRecord<byte[], byte[]> late = dead.get(1);
            assertEquals("LATE", header(late, "streamlearn.dlq.reason"));
            assertArrayEquals(values.get(7), late.value(), "its original bytes");
            assertEquals(Long.toString(written.get(7).offset()), header(late, "streamlearn.dlq.offset"));
            assertEquals(t0 + 500, late.timestamp());
            String detail = header(late, "streamlearn.dlq.detail");
            assertTrue(detail.contains("window [" + t0 + ", " + (t0 + 1_000) + ") of model 'a'")
                    && detail.contains("closed at event time " + (t0 + 1_000)), detail);
            assertEquals(Map.of("FUTURE_TIMESTAMP", 1, "LATE", 1), deadLettersByReason, "counted by reason");
        }
    }

    private static long version(StreamlearnApp app, String model) {
        DecodedSnapshot s = app.registry().get(model);
        return s == null ? 0 : s.version();
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
