package io.streamlearn.retrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.streamlearn.codec.Codecs;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.Format;
import io.streamlearn.config.ModelResolver;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.model.Label;
import io.streamlearn.model.ModelSpec;
import io.streamlearn.model.Network;
import io.streamlearn.model.RecordCheck;
import io.streamlearn.testing.KafkaCluster;
import io.streamlearn.testing.WithKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A replay from Kafka (the fast JSON reader, the reading thread, the in-memory copy after the
 * first epoch) trains exactly what the plain path trains: every record read by one thread,
 * decoded by Jackson, handed over in offset order. Same weights, bit for bit, whether the
 * range is kept in memory or read again every epoch, shuffled or not, with records written by
 * hand, of another model and broken ones among them. One partition: the order in which a consumer
 * interleaves several is not fixed, for either path.
 */
@WithKafka
class ReplayPathsIT {
    private static final int DIMS = 6;
    private static final int COUNT = 12_000;
    private static final JsonMapper JACKSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();

    private static String topic;

    private static synchronized String topic(KafkaCluster kafka) throws Exception {
        if (topic == null) {
            topic = kafka.createTopic("replay-paths", 1);
            produce(kafka, topic);
        }
        return topic;
    }

    private static StreamlearnConfig config() {
        return ConfigLoader.fromYaml("""
                defaultModel: m
                models:
                  - id: m
                    inputSize: %d
                    optimizer: {kind: adam, learningRate: 0.01}
                  - id: other
                    inputSize: 2
                """.formatted(DIMS), Map.of("maxFeatures", "10"));
    }

    /** Examples of the model as the codec writes them, some written by hand, another model's, broken ones. */
    private static void produce(KafkaCluster kafka, String topic) throws Exception {
        Properties p = new Properties();
        p.putAll(kafka.clientConfig());
        var codec = Codecs.examples(Format.JSON, 10);
        SplittableRandom r = new SplittableRandom(11);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < COUNT; i++) {
                double[] x = r.doubles(DIMS).map(v -> (v - 0.5) * Math.pow(10, r.nextInt(-3, 4))).toArray();
                int label = x[0] - x[1] > 0 ? 1 : 0;
                byte[] value = switch (i % 50) {
                    case 7 -> ("{ \"features\" : " + java.util.Arrays.toString(x) + ",\n \"label\": " + label + ".0 }").getBytes(StandardCharsets.UTF_8);
                    case 13 -> ("{\"id\":\"caf\u00e9\",\"features\":" + java.util.Arrays.toString(x) + ",\"label\":" + label + "}").getBytes(StandardCharsets.UTF_8);
                    case 21 -> "{\"features\":[1,2],\"label\":1,\"model\":\"other\"}".getBytes(StandardCharsets.UTF_8);
                    case 29 -> "{\"features\":[1,".getBytes(StandardCharsets.UTF_8);
                    case 33 -> ("{\"features\":[NaN" + ",1".repeat(DIMS - 1) + "],\"label\":1}").getBytes(StandardCharsets.UTF_8);
                    default -> codec.encode(io.streamlearn.codec.LabeledExample.of("e" + i, null, x, label));
                };
                producer.send(new ProducerRecord<>(topic, 0, Integer.toString(i).getBytes(), value));
            }
            producer.flush();
        }
    }

    /** The plain path: one thread reads the whole topic in offset order, Jackson decodes, the same checks keep a record. */
    private static EpochSource plainPath(KafkaCluster kafka, String topic, ModelSpec spec) {
        Properties p = new Properties();
        p.putAll(kafka.clientConfig());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<Object[]> kept = new ArrayList<>();
        ModelResolver resolver = new ModelResolver(config());
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            while (c.position(tp) < end) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    Object[] e = jackson(r, resolver, spec);
                    if (e != null) {
                        kept.add(e);
                    }
                }
            }
        }
        return sink -> kept.forEach(e -> sink.accept((double[]) e[0], (double) e[1], null, (long) e[2]));
    }

    private static Object[] jackson(ConsumerRecord<byte[], byte[]> r, ModelResolver resolver, ModelSpec spec) {
        try {
            JsonNode n = JACKSON.readTree(r.value());
            String model = n.hasNonNull("model") ? n.get("model").asText() : null;
            double[] x = new double[n.get("features").size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = n.get("features").get(i).doubleValue();
            }
            double label = n.get("label").doubleValue();
            if (!"m".equals(resolver.resolve(model, r.key()))
                    || RecordCheck.example("m", spec, x, new Label.Scalar(label)) != null) {
                return null;
            }
            return new Object[] {x, label, Holdout.position(r.partition(), r.offset())};
        } catch (Exception notAnExample) {
            return null;
        }
    }

    @ParameterizedTest(name = "buffer {0}, shuffle {1}, batch {2}")
    @CsvSource({"100000, false, 32", "1000, false, 1", "100000, true, 16", "500, true, 0"})
    void aReplayFromKafkaTrainsWhatThePlainPathTrains(int buffer, boolean shuffle, int batch, KafkaCluster kafka) throws Exception {
        String t = topic(kafka);
        StreamlearnConfig config = config();
        ModelSpec spec = config.model("m").spec();
        RetrainPlan plan = new RetrainPlan(3, batch, shuffle, 5, 0.2, buffer);
        Properties client = new Properties();
        client.putAll(kafka.clientConfig());

        Network plain = Network.initialize(spec);
        EpochStats plainLast = new Retrainer(plain, plan).run(plainPath(kafka, t, spec), s -> { });

        Network replayed = Network.initialize(spec);
        EpochStats last;
        try (KafkaEpochSource source = new KafkaEpochSource(client, t, KafkaEpochSource.StartAt.beginning(),
                Codecs.examples(Format.JSON, 10), new ModelResolver(config), "m",
                e -> RecordCheck.example("m", spec, e.features(), e.label()) == null, buffer)) {
            last = new Retrainer(replayed, plan).run(source, s -> { });
        }
        assertEquals(plainLast, last);
        assertArrayEquals(plain.weights(0), replayed.weights(0), 0.0);
        assertArrayEquals(plain.biases(0), replayed.biases(0), 0.0);
        for (int i = 0; i < plain.weights(0).length; i++) {
            assertEquals(Double.doubleToRawLongBits(plain.weights(0)[i]), Double.doubleToRawLongBits(replayed.weights(0)[i]));
        }
    }
}
