package io.streamlearn.topology;

import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.DriftRecord;
import io.streamlearn.codec.ScoredEvent;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.Format;
import io.streamlearn.config.ModelCatalog;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.kafka.Topics;
import io.streamlearn.snapshot.ModelRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/** A TopologyTestDriver on the real topology, with typed access to its five topics. */
final class TopologyFixture implements AutoCloseable {
    final StreamlearnConfig config;
    final ModelRegistry registry = new ModelRegistry();
    final ModelCatalog catalog;
    final TopologyTestDriver driver;
    final TestInputTopic<byte[], byte[]> examples;
    final TestInputTopic<byte[], byte[]> events;
    final TestOutputTopic<String, byte[]> weights;
    final TestOutputTopic<byte[], byte[]> scored;
    final TestOutputTopic<byte[], byte[]> deadLetters;
    final TestOutputTopic<String, byte[]> drift;
    private final Path stateDir;

    TopologyFixture(String yaml) {
        this(ConfigLoader.fromYaml(yaml, Map.of()), TopologyListener.NONE);
    }

    TopologyFixture(StreamlearnConfig config, TopologyListener listener) {
        this(config, RecordLimits.KAFKA_DEFAULTS, listener);
    }

    TopologyFixture(StreamlearnConfig config, RecordLimits limits, TopologyListener listener) {
        this(config, limits, listener, new Properties());
    }

    /** @param streams Kafka Streams settings on top of the fixture's own */
    TopologyFixture(StreamlearnConfig config, RecordLimits limits, TopologyListener listener, Properties streams) {
        this(config, limits, Partitioning.declared(config), listener, streams);
    }

    /** @param partitioning the examples topic's partitions as if found at start (the driver runs partition 0's tasks) */
    TopologyFixture(StreamlearnConfig config, Partitioning partitioning) {
        this(config, RecordLimits.KAFKA_DEFAULTS, partitioning, TopologyListener.NONE, new Properties());
    }

    private TopologyFixture(StreamlearnConfig config, RecordLimits limits, Partitioning partitioning,
                            TopologyListener listener, Properties streams) {
        this.config = config;
        try {
            stateDir = Files.createTempDirectory("streamlearn-ttd");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.guarantee().streamsValue());
        p.putAll(streams);
        catalog = ModelCatalog.of(config);
        driver = new TopologyTestDriver(TopologyFactory.build(config, limits, partitioning, catalog, registry, listener), p,
                Instant.EPOCH);
        var t = config.topics();
        examples = driver.createInputTopic(t.examples(), new ByteArraySerializer(), new ByteArraySerializer());
        events = driver.createInputTopic(t.events(), new ByteArraySerializer(), new ByteArraySerializer());
        weights = driver.createOutputTopic(t.weights(), new StringDeserializer(), new ByteArrayDeserializer());
        scored = driver.createOutputTopic(t.scoredEvents(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        deadLetters = driver.createOutputTopic(t.deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        drift = driver.createOutputTopic(t.drift(), new StringDeserializer(), new ByteArrayDeserializer());
    }

    static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    void example(String json, long timestamp) {
        examples.pipeInput(null, utf8(json), timestamp);
    }

    void event(String key, String json, long timestamp) {
        events.pipeInput(utf8(key), utf8(json), timestamp);
    }

    List<WeightSnapshot> readWeights() {
        var codec = Topics.of(config).weights().codec();
        return weights.readValuesToList().stream().map(codec::decode).collect(Collectors.toList());
    }

    List<KeyValue<String, DriftRecord>> readDrift() {
        var codec = Topics.of(config).drift().codec();
        return drift.readKeyValuesToList().stream().map(kv -> KeyValue.pair(kv.key, codec.decode(kv.value)))
                .collect(Collectors.toList());
    }

    List<ScoredEvent> readScored() {
        var codec = Topics.of(config).scoredEvents().codec();
        return scored.readValuesToList().stream().map(codec::decode).collect(Collectors.toList());
    }

    ScoredEvent readScoredValue(byte[] value) {
        return Topics.of(config).scoredEvents().codec().decode(value);
    }

    List<TestRecord<byte[], byte[]>> readDeadLetters() {
        return deadLetters.readRecordsToList();
    }

    static String header(TestRecord<byte[], byte[]> r, String name) {
        return DeadLetters.header(r.headers(), name);
    }

    Format examplesFormat() {
        return config.formats().examples();
    }

    @Override
    public void close() {
        driver.close();
        try (var paths = Files.walk(stateDir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (java.io.IOException ignored) {
            // temp dir
        }
    }
}
