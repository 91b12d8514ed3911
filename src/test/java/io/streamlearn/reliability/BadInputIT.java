package io.streamlearn.reliability;

import static io.streamlearn.testing.AvroBytes.concat;
import static io.streamlearn.testing.AvroBytes.varint;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.app.KafkaProperties;
import io.streamlearn.app.Observability;
import io.streamlearn.app.StreamlearnApp;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.AvroEventCodec;
import io.streamlearn.codec.Codec;
import io.streamlearn.codec.Codecs;
import io.streamlearn.codec.DeadLetterReason;
import io.streamlearn.codec.Event;
import io.streamlearn.codec.LabeledExample;
import io.streamlearn.codec.ScoredEvent;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.Format;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.demo.TutorialDemo;
import io.streamlearn.http.HttpApi;
import io.streamlearn.kafka.Deliveries;
import io.streamlearn.kafka.Topics;
import io.streamlearn.learn.OnlineLearner;
import io.streamlearn.model.Network;
import io.streamlearn.snapshot.DecodedSnapshot;
import io.streamlearn.snapshot.ModelRegistry;
import io.streamlearn.testing.CommittedRecords;
import io.streamlearn.testing.KafkaCluster;
import io.streamlearn.testing.LearnerAwait;
import io.streamlearn.testing.PrometheusText;
import io.streamlearn.testing.WithKafka;
import io.streamlearn.topology.DeadLetters;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bad input, end to end on a real broker, for each format of the input topics. Every kind of bad
 * record the format can carry is produced to {@code examples} between two valid examples (and
 * the same for {@code events}); then:
 *
 * <ol>
 *   <li>{@code dead-letters} holds exactly one record per bad input, with its original key, value
 *       (a null value stays null) and headers, the expected reason, and its source topic,
 *       partition and offset;</li>
 *   <li>{@code streamlearn_dead_letters_total} on {@code /metrics} counts each (topic, reason)
 *       exactly, and nothing else;</li>
 *   <li>the model has seen exactly the valid examples, and its published weights equal, bit for
 *       bit, those of a learner fed only the valid examples, in order;</li>
 *   <li>every valid event is scored, with the output of those weights, and every bad event is
 *       dead-lettered.</li>
 * </ol>
 */
@WithKafka
class BadInputIT {
    /** The configured limit on feature vectors; the model takes 2. */
    private static final int MAX_FEATURES = 4;
    /** Valid examples in all; the bad ones sit between the first of them. */
    private static final int VALID = 200;
    private static final long T0 = 1_000_000L;
    private static final String TRACE = "trace";

    /** One record to produce: its key and value bytes, and the reason it must be dead-lettered (null: valid). */
    private record Input(String what, byte[] key, byte[] value, DeadLetterReason reason, LabeledExample example,
                         Event event) {
        static Input bad(String what, byte[] key, byte[] value, DeadLetterReason reason) {
            return new Input(what, key, value, reason, null, null);
        }
    }

    /** A produced input and where it landed. */
    private record Sent(Input input, long timestamp, Future<RecordMetadata> metadata) {
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The bad labeled examples a topic in {@code format} can receive, each with the reason it must get. */
    private static List<Input> badExamples(Format format, Codec<LabeledExample> codec) {
        List<Input> bad = new ArrayList<>();
        byte[] key = utf8("user-1");
        // Semantic faults: well-formed in either format, refused by validation. JSON writers put
        // NaN and infinities in quotes, so the JSON ones are written as the literals a careless
        // producer (Python's json.dumps, say) sends.
        boolean json = format == Format.JSON;
        bad.add(Input.bad("null value", key, null, DeadLetterReason.NULL_VALUE));
        bad.add(Input.bad("empty value", key, new byte[0], DeadLetterReason.UNDECODABLE));
        bad.add(Input.bad("NaN feature", key, json ? utf8("{\"id\": \"nan\", \"features\": [NaN, 1], \"label\": 1}")
                : codec.encode(LabeledExample.of("nan", null, new double[] {Double.NaN, 1}, 1)), DeadLetterReason.NON_FINITE_VALUE));
        bad.add(Input.bad("+Inf feature", key, json ? utf8("{\"features\": [1, Infinity], \"label\": 0}")
                : codec.encode(LabeledExample.of("inf", null, new double[] {1, Double.POSITIVE_INFINITY}, 0)),
                DeadLetterReason.NON_FINITE_VALUE));
        bad.add(Input.bad("-Inf feature", null, json ? utf8("{\"features\": [-Infinity, 1], \"label\": 0}")
                : codec.encode(LabeledExample.of("-inf", null, new double[] {Double.NEGATIVE_INFINITY, 1}, 0)),
                DeadLetterReason.NON_FINITE_VALUE));
        bad.add(Input.bad("NaN label", key, json ? utf8("{\"features\": [1, 1], \"label\": NaN}")
                : codec.encode(LabeledExample.of("nanlabel", null, new double[] {1, 1}, Double.NaN)),
                DeadLetterReason.NON_FINITE_VALUE));
        bad.add(Input.bad("wrong dimension", key, codec.encode(LabeledExample.of("dim", null, new double[] {1, 2, 3}, 1)),
                DeadLetterReason.WRONG_DIMENSION));
        bad.add(Input.bad("label out of range", key, codec.encode(LabeledExample.of("label", null, new double[] {1, 2}, 2)),
                DeadLetterReason.LABEL_OUT_OF_RANGE));
        bad.add(Input.bad("label vector of the wrong length", key, codec.encode(LabeledExample.of("vec", null,
                new double[] {1, 2}, new double[] {0, 1})), DeadLetterReason.LABEL_OUT_OF_RANGE));
        bad.add(Input.bad("unknown model", key, codec.encode(LabeledExample.of("model", "nope", new double[] {1, 2}, 1)),
                DeadLetterReason.UNKNOWN_MODEL));
        bad.add(Input.bad("over the size limit", key, codec.encode(LabeledExample.of("big", null,
                new double[MAX_FEATURES + 1], 1)), DeadLetterReason.TOO_MANY_FEATURES));
        byte[] good = codec.encode(LabeledExample.of("ok", null, new double[] {0.5, -0.5}, 1));
        if (format == Format.AVRO) {
            bad.add(Input.bad("undecodable bytes", key, new byte[] {0x00, 0x13, 0x37, (byte) 0xFF, 0x7F},
                    DeadLetterReason.UNDECODABLE));
            bad.add(Input.bad("truncated Avro", key, Arrays.copyOf(good, good.length - 3), DeadLetterReason.UNDECODABLE));
            bad.add(Input.bad("header only", key, Arrays.copyOf(good, 10), DeadLetterReason.UNDECODABLE));
            byte[] foreign = good.clone();
            foreign[2] ^= (byte) 0xFF;
            bad.add(Input.bad("unknown schema fingerprint", key, foreign, DeadLetterReason.WRONG_SCHEMA));
            bad.add(Input.bad("an event's schema", key, new AvroEventCodec(MAX_FEATURES).encode(
                    new Event("e", null, new double[] {1, 2})), DeadLetterReason.WRONG_SCHEMA));
            byte[] header = Arrays.copyOf(good, 10);
            // id null, model null, then a block count of 2^31 - 9 doubles (16 GiB) over 16 bytes.
            bad.add(Input.bad("huge array length", key, concat(header, new byte[] {0, 0},
                    varint(Integer.MAX_VALUE - 8), new byte[16]), DeadLetterReason.UNDECODABLE));
            // id ["null", "string"] branch 1, then a string of 2^31 - 9 bytes over 16 bytes.
            bad.add(Input.bad("huge string length", key, concat(header, new byte[] {2},
                    varint(Integer.MAX_VALUE - 8), new byte[16]), DeadLetterReason.UNDECODABLE));
        } else {
            bad.add(Input.bad("undecodable bytes", key, new byte[] {(byte) 0xC3, 0x01, (byte) 0xFE, 0x00, 0x13},
                    DeadLetterReason.UNDECODABLE));
            bad.add(Input.bad("malformed JSON", key, utf8("{\"features\": [1, 2], \"label\""), DeadLetterReason.UNDECODABLE));
            bad.add(Input.bad("not an object", key, utf8("[1, 2, 1]"), DeadLetterReason.UNDECODABLE));
            bad.add(Input.bad("a string feature", key, utf8("{\"features\": [1, \"2\"], \"label\": 1}"),
                    DeadLetterReason.UNDECODABLE));
            bad.add(Input.bad("trailing content", key, utf8("{\"features\": [1, 2], \"label\": 1} {}"),
                    DeadLetterReason.UNDECODABLE));
            bad.add(Input.bad("missing features", key, utf8("{\"label\": 1}"), DeadLetterReason.MISSING_FIELD));
            bad.add(Input.bad("missing label", key, utf8("{\"id\": \"x\", \"features\": [1, 2]}"), DeadLetterReason.MISSING_FIELD));
            bad.add(Input.bad("a huge array, over the limit", key, utf8("{\"features\": [" + "1,".repeat(100_000) + "1], \"label\": 1}"),
                    DeadLetterReason.TOO_MANY_FEATURES));
        }
        return bad;
    }

    /** The bad events: a wrong dimension, an unknown model, a malformed value, and a few more. */
    private static List<Input> badEvents(Format format, Codec<Event> codec) {
        byte[] key = utf8("user-2");
        List<Input> bad = new ArrayList<>();
        bad.add(Input.bad("event of the wrong dimension", key, codec.encode(new Event("d", null, new double[] {1})),
                DeadLetterReason.WRONG_DIMENSION));
        bad.add(Input.bad("event for an unknown model", key, codec.encode(new Event("m", "nope", new double[] {1, 2})),
                DeadLetterReason.UNKNOWN_MODEL));
        bad.add(Input.bad("malformed event", key, format == Format.AVRO
                ? Arrays.copyOf(codec.encode(new Event("t", null, new double[] {1, 2})), 14)
                : utf8("{\"features\": [1, 2"), DeadLetterReason.UNDECODABLE));
        bad.add(Input.bad("null event", key, null, DeadLetterReason.NULL_VALUE));
        bad.add(Input.bad("NaN event", null, format == Format.JSON ? utf8("{\"id\": \"n\", \"features\": [NaN, 2]}")
                : codec.encode(new Event("n", null, new double[] {Double.NaN, 2})), DeadLetterReason.NON_FINITE_VALUE));
        bad.add(Input.bad("event over the size limit", key, codec.encode(new Event("b", null,
                new double[MAX_FEATURES + 1])), DeadLetterReason.TOO_MANY_FEATURES));
        return bad;
    }

    /** Valid inputs, one before each bad input and after the last: no two bad records are adjacent. */
    private static List<Input> interleave(List<Input> valid, List<Input> bad) {
        assertTrue(valid.size() > bad.size());
        List<Input> out = new ArrayList<>();
        for (int i = 0; i < valid.size(); i++) {
            out.add(valid.get(i));
            if (i < bad.size()) {
                out.add(bad.get(i));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Format.class)
    void everyBadRecordIsDeadLetteredAndTheValidOnesTrainAsIfAlone(Format format, KafkaCluster kafka, @TempDir Path state)
            throws Exception {
        String run = "bad-" + format.configName() + "-" + UUID.randomUUID().toString().substring(0, 8);
        StreamlearnConfig config = ConfigLoader.fromYaml("""
                maxFeatures: %d
                formats: {examples: %s, events: %s}
                models:
                  - id: default
                    inputSize: 2
                    layers: [{units: 3, activation: tanh}, {units: 1, activation: sigmoid}]
                    optimizer: {kind: adam, learningRate: 0.05}
                    snapshot: {everyUpdates: 1, everyMs: 100000000}
                """.formatted(MAX_FEATURES, format.configName(), format.configName()),
                Map.of("applicationId", run, "bootstrapServers", kafka.bootstrapServers(), "topics.prefix", run + "-",
                        "stateDir", state.toString()));
        Codec<LabeledExample> exampleCodec = Codecs.examples(format, 100);
        Codec<Event> eventCodec = Codecs.events(format, 100);

        Random r = new Random(5);
        List<Input> validExamples = new ArrayList<>();
        for (int i = 0; i < VALID; i++) {
            double[] x = {r.nextGaussian(), r.nextGaussian()};
            LabeledExample e = LabeledExample.of("x" + i, null, x, x[0] * x[1] > 0 ? 1 : 0);
            validExamples.add(new Input("valid", utf8("user-" + (i % 7)), exampleCodec.encode(e), null, e, null));
        }
        List<Input> examples = interleave(validExamples, badExamples(format, exampleCodec));
        List<Input> validEvents = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Event e = new Event("ev" + i, null, new double[] {r.nextGaussian(), r.nextGaussian()});
            validEvents.add(new Input("valid event", utf8("ev" + i), eventCodec.encode(e), null, null, e));
        }
        List<Input> events = interleave(validEvents, badEvents(format, eventCodec));

        ModelRegistry registry = new ModelRegistry();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (Observability observability = new Observability();
             StreamlearnApp app = StreamlearnApp.start(config, registry, observability.listener(registry), Duration.ofSeconds(60));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(TutorialDemo.producerProps(config))) {
            HttpApi api = observability.attach(app, "127.0.0.1", 0);
            URI metrics = URI.create("http://127.0.0.1:" + api.port() + "/metrics");

            long[] clock = {T0};
            List<Sent> sentExamples = produce(producer, config.topics().examples(), examples, clock);
            await(app, () -> seen(registry) == VALID, () -> "the model saw " + VALID + " examples (now " + seen(registry) + ")");
            List<Sent> sentEvents = produce(producer, config.topics().events(), events, clock);
            List<ConsumerRecord<byte[], byte[]>> scored = readAll(config, config.topics().scoredEvents(), validEvents.size());

            // (1) One dead letter per bad input, original bytes, reason and provenance.
            List<ConsumerRecord<byte[], byte[]>> dead = readAll(config, config.topics().deadLetters(),
                    count(examples) + count(events));
            assertDeadLetters(config.topics().examples(), sentExamples, dead);
            assertDeadLetters(config.topics().events(), sentEvents, dead);

            // (2) The metric counts dead letters by topic and reason, exactly.
            Map<String, Double> expected = new TreeMap<>();
            for (Input in : examples) {
                if (in.reason() != null) {
                    expected.merge(config.topics().examples() + "/" + in.reason(), 1.0, Double::sum);
                }
            }
            for (Input in : events) {
                if (in.reason() != null) {
                    expected.merge(config.topics().events() + "/" + in.reason(), 1.0, Double::sum);
                }
            }
            PrometheusText text = PrometheusText.parse(http.send(HttpRequest.newBuilder(metrics).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            Map<String, Double> counted = new TreeMap<>();
            for (PrometheusText.Sample s : text.samples("streamlearn_dead_letters_total")) {
                counted.put(s.labels().get("topic") + "/" + s.labels().get("reason"), s.value());
            }
            assertEquals(expected, counted, "streamlearn_dead_letters_total by topic and reason");
            assertEquals(VALID, text.value("streamlearn_examples_trained_total", Map.of("model", "default")));
            assertEquals(validEvents.size(), text.value("streamlearn_scoring_seconds_count", Map.of("model", "default")));

            // (3) Trained on exactly the valid examples, to the same bits as a learner that saw only them.
            DecodedSnapshot published = registry.get("default");
            WeightSnapshot snap = published.snapshot();
            assertEquals(VALID, snap.getExamplesSeen(), "examples seen");
            OnlineLearner reference = OnlineLearner.fresh(config.model("default"));
            for (Sent s : sentExamples) {
                LabeledExample e = s.input().example();
                if (e != null) {
                    reference.learn(e.features(), e.label(), s.timestamp());
                }
            }
            assertEquals(reference.examplesSeen(), snap.getExamplesSeen());
            assertEquals(reference.network().updatesApplied(), snap.getUpdatesApplied());
            for (int l = 0; l < reference.network().layerCount(); l++) {
                assertBits(reference.network().weights(l), snap.getLayers().get(l).getWeights(), "layer " + l + " weights");
                assertBits(reference.network().biases(l), snap.getLayers().get(l).getBiases(), "layer " + l + " biases");
            }

            // (4) Every valid event scored, in order, with the output of those weights.
            assertEquals(validEvents.size(), scored.size());
            Codec<ScoredEvent> predictions = Topics.of(config).scoredEvents().codec();
            Network net = reference.network();
            double[] out = new double[net.outputSize()];
            for (int i = 0; i < validEvents.size(); i++) {
                ScoredEvent p = predictions.decode(scored.get(i).value());
                Event e = validEvents.get(i).event();
                assertEquals(e.id(), p.id());
                assertArrayEquals(validEvents.get(i).key(), scored.get(i).key());
                assertEquals(published.version(), p.version());
                net.predict(e.features(), out);
                assertBits(out, Arrays.stream(p.output()).boxed().toList(), "scored output of " + e.id());
            }
        }
    }

    private static int count(List<Input> inputs) {
        return (int) inputs.stream().filter(i -> i.reason() != null).count();
    }

    private static long seen(ModelRegistry registry) {
        DecodedSnapshot p = registry.get("default");
        return p == null ? -1 : p.snapshot().getExamplesSeen();
    }

    /** Produces {@code inputs} in order, each with a trace header and a timestamp one ms after the last. */
    private static List<Sent> produce(KafkaProducer<byte[], byte[]> producer, String topic, List<Input> inputs,
                                      long[] clock) throws Exception {
        Deliveries delivered = new Deliveries();
        List<Sent> sent = new ArrayList<>();
        for (Input in : inputs) {
            long ts = clock[0]++;
            RecordHeaders headers = new RecordHeaders();
            headers.add(TRACE, utf8(in.what()));
            Future<RecordMetadata> md = producer.send(new ProducerRecord<>(topic, null, ts, in.key(), in.value(), headers),
                    delivered);
            sent.add(new Sent(in, ts, md));
        }
        producer.flush();
        delivered.check();
        assertEquals(inputs.size(), delivered.acknowledged());
        return sent;
    }

    private static void assertDeadLetters(String source, List<Sent> sent, List<ConsumerRecord<byte[], byte[]>> dead)
            throws Exception {
        List<ConsumerRecord<byte[], byte[]>> ofSource = dead.stream()
                .filter(d -> source.equals(DeadLetters.header(d.headers(), DeadLetters.TOPIC))).toList();
        List<Sent> bad = sent.stream().filter(s -> s.input().reason() != null).toList();
        assertEquals(bad.size(), ofSource.size(), "dead letters from " + source);
        for (int i = 0; i < bad.size(); i++) {
            Sent s = bad.get(i);
            ConsumerRecord<byte[], byte[]> d = ofSource.get(i);
            String what = s.input().what() + " (" + DeadLetters.header(d.headers(), DeadLetters.DETAIL) + ")";
            RecordMetadata md = s.metadata().get();
            assertEquals(Long.toString(md.offset()), DeadLetters.header(d.headers(), DeadLetters.OFFSET), what + ": offset");
            assertEquals(Integer.toString(md.partition()), DeadLetters.header(d.headers(), DeadLetters.PARTITION), what);
            assertEquals(s.input().reason().name(), DeadLetters.header(d.headers(), DeadLetters.REASON), what + ": reason");
            assertArrayEquals(s.input().key(), d.key(), what + ": the original key");
            if (s.input().value() == null) {
                assertNull(d.value(), what + ": a null value stays null");
            } else {
                assertArrayEquals(s.input().value(), d.value(), what + ": the original value, byte for byte");
            }
            assertEquals(s.input().what(), DeadLetters.header(d.headers(), TRACE), what + ": the original headers");
            assertEquals(s.timestamp(), d.timestamp(), what + ": the original timestamp");
            assertNotNull(DeadLetters.header(d.headers(), DeadLetters.DETAIL));
        }
    }

    private static void assertBits(double[] expected, List<Double> got, String what) {
        assertEquals(expected.length, got.size(), what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(got.get(i)),
                    what + "[" + i + "] bit for bit");
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(StreamlearnConfig config, String topic, int atLeast) {
        return CommittedRecords.readAll(KafkaProperties.common(config), topic, atLeast);
    }

    private static void await(StreamlearnApp app, BooleanSupplier condition, Supplier<String> what) throws InterruptedException {
        LearnerAwait.until(app, Duration.ofSeconds(60), condition, what);
    }
}
