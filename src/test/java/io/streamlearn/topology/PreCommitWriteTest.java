package io.streamlearn.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamlearn.avro.ModelCheckpoint;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.Codecs;
import io.streamlearn.config.ConfigLoader;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * The trainer's state reaches the changelog inside the commit of the examples it reflects. The
 * driver commits after every piped record and, under exactly-once (the default here), shows only
 * what a committed transaction holds: a checkpoint written after the commit (from a store's
 * {@code commit()}, say, which Kafka Streams calls once the transaction has committed) or never
 * is missing from the changelog below, and a restore would resume from an older state.
 */
class PreCommitWriteTest {
    private static final String YAML = TrainingTopologyTest.linearModel("{mode: stochastic}", 1);

    @Test
    void everyCommitCarriesTheStateOfTheExamplesItCommits() {
        try (TopologyFixture f = new TopologyFixture(YAML)) {
            assertCommittedAfterEveryExample(f);
        }
    }

    /** Without a record cache the mark reaches the hook at once: the write is earlier, still in the commit. */
    @Test
    void withoutARecordCacheTheStateIsStillCommitted() {
        Properties noCache = new Properties();
        noCache.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, "0");
        try (TopologyFixture f = new TopologyFixture(ConfigLoader.fromYaml(YAML, Map.of()), RecordLimits.KAFKA_DEFAULTS,
                TopologyListener.NONE, noCache)) {
            assertCommittedAfterEveryExample(f);
        }
    }

    private static void assertCommittedAfterEveryExample(TopologyFixture f) {
        TestOutputTopic<String, byte[]> changelog = f.driver.createOutputTopic(
                Names.modelStoreChangelog(f.config.applicationId()), new StringDeserializer(), new ByteArrayDeserializer());
        KeyValueStore<String, byte[]> store = f.driver.getKeyValueStore(Names.MODEL_STORE);
        for (int i = 1; i <= 5; i++) {
            f.example("{\"features\": [" + i + ", 1], \"label\": " + (i % 2) + "}", 100L * i);
            List<KeyValue<String, byte[]>> committed = changelog.readKeyValuesToList();
            assertEquals(1, committed.size(), "one checkpoint in the commit of example " + i);
            assertEquals("lin", committed.get(0).key);
            assertArrayEquals(store.get("lin"), committed.get(0).value, "the committed checkpoint is the store's");
            ModelCheckpoint c = Codecs.checkpoints().decode(committed.get(0).value);
            assertEquals(i, c.getSnapshot().getExamplesSeen(), "the checkpoint reflects every committed example");
            List<WeightSnapshot> published = f.readWeights();
            assertEquals(1, published.size());
            assertEquals(published.get(0).getLayers(), c.getSnapshot().getLayers(),
                    "the checkpoint holds the weights the example produced");
        }
    }

    @Test
    void aCommitWithoutTrainingWritesNoCheckpoint() {
        try (TopologyFixture f = new TopologyFixture(YAML)) {
            TestOutputTopic<String, byte[]> changelog = f.driver.createOutputTopic(
                    Names.modelStoreChangelog(f.config.applicationId()), new StringDeserializer(), new ByteArrayDeserializer());
            f.example("{\"features\": [1, 1], \"label\": 1}", 100);
            assertEquals(1, changelog.readValuesToList().size());
            f.example("not json", 200);
            assertEquals(1, f.readDeadLetters().size());
            assertEquals(List.of(), changelog.readValuesToList(), "an unchanged model is not written again");
            f.example("{\"features\": [1, 1], \"label\": 1}", 300);
            assertEquals(2, Codecs.checkpoints().decode(changelog.readValuesToList().get(0)).getSnapshot().getExamplesSeen());
        }
    }
}
