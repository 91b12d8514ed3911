package io.streamlearn.demo;

import io.streamlearn.app.KafkaProperties;
import io.streamlearn.app.StreamlearnApp;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.Codec;
import io.streamlearn.codec.Event;
import io.streamlearn.codec.LabeledExample;
import io.streamlearn.codec.ScoredEvent;
import io.streamlearn.config.ModelConfig;
import io.streamlearn.model.ModelSpec;
import io.streamlearn.model.OptimizerKind;
import io.streamlearn.model.OptimizerSpec;
import io.streamlearn.model.Scaling;
import io.streamlearn.config.SnapshotPolicy;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.data.Datasets;
import io.streamlearn.data.LabeledRow;
import io.streamlearn.kafka.Deliveries;
import io.streamlearn.kafka.Topics;
import io.streamlearn.snapshot.DecodedSnapshot;
import io.streamlearn.topology.TopologyListener;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The tutorial on Kafka: the 200 blobs split 75/25 with a fixed seed; the 150 training rows go
 * to {@code examples} and are learned one by one (stochastic updates, Adam, binary
 * cross-entropy); the 50 test rows go to {@code events} once the final weights are published;
 * the scored events are read back from {@code scored-events} and compared with the true labels.
 */
public final class TutorialDemo {
    public static final long SPLIT_SEED = 42;
    public static final double TEST_SHARE = 0.25;

    /** What the demo saw, read back from the topics. */
    public record Result(int trained, int scored, int correct, long version, long examplesSeen,
                         double prequentialAccuracy, double[] weights, double[] biases, Duration took) {
        public double accuracy() {
            return scored == 0 ? 0 : (double) correct / scored;
        }
    }

    private TutorialDemo() {
    }

    /**
     * The demo's configuration: the default model as the tutorial trains it (Adam at 0.1 on the raw
     * features, not the declared defaults), published every 50 updates so the last one is version 3.
     */
    public static StreamlearnConfig configure(StreamlearnConfig base) {
        ModelConfig m = base.model(base.defaultModel());
        ModelSpec tutorial = m.spec().withOptimizer(OptimizerSpec.defaults(OptimizerKind.ADAM).withLearningRate(0.1))
                .withScaling(Scaling.NONE);
        ModelConfig demo = new ModelConfig(m.id(), tutorial, m.update(), new SnapshotPolicy(50, Long.MAX_VALUE / 4),
                m.initialWeights(), m.initialBiases());
        Map<String, ModelConfig> models = new java.util.LinkedHashMap<>(base.models());
        models.put(demo.id(), demo);
        return new StreamlearnConfig(base.applicationId(), base.bootstrapServers(), base.topics(), base.partitions(),
                base.replicationFactor(), base.formats(), base.guarantee(), base.commitIntervalMs(), base.stateDir(),
                base.maxFeatures(), base.defaultModel(), models, base.kafka(), base.httpPort(), base.failover());
    }

    /** Starts the learner, runs the demo on it and stops it. */
    public static Result run(StreamlearnConfig config, PrintStream out, Duration timeout) throws InterruptedException {
        try (StreamlearnApp app = StreamlearnApp.start(config, TopologyListener.NONE, timeout)) {
            return run(app, out, timeout);
        }
    }

    /** Runs the demo on a learner that is already running (configured with {@link #configure}); leaves it running. */
    public static Result run(StreamlearnApp app, PrintStream out, Duration timeout) throws InterruptedException {
        StreamlearnConfig config = app.config();
        long t0 = System.nanoTime();
        Datasets.Split split = Datasets.split(Datasets.load("blobs"), TEST_SHARE, SPLIT_SEED);
        out.printf("Tutorial data: %d blobs, split 75/25 with seed %d: %d labeled examples, %d events to score%n",
                split.train().size() + split.test().size(), SPLIT_SEED, split.train().size(), split.test().size());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(config))) {
            String model = config.defaultModel();
            Deliveries delivered = new Deliveries();
            Codec<LabeledExample> examples = Topics.of(config).examples().codec();
            long ts = System.currentTimeMillis();
            int i = 0;
            for (LabeledRow r : split.train()) {
                byte[] v = examples.encode(LabeledExample.of("train-" + i, model, r.features(), r.label()));
                producer.send(new ProducerRecord<>(config.topics().examples(), null, ts + i, bytes(model), v), delivered);
                i++;
            }
            producer.flush();
            delivered.check();
            out.printf("Produced %d labeled examples to '%s'; training (one stochastic update each)...%n",
                    split.train().size(), config.topics().examples());
            DecodedSnapshot trained = awaitModel(app, model, split.train().size(), timeout);

            Codec<Event> events = Topics.of(config).events().codec();
            Map<String, Integer> truth = new HashMap<>();
            i = 0;
            for (LabeledRow r : split.test()) {
                String id = "test-" + i;
                truth.put(id, r.label());
                producer.send(new ProducerRecord<>(config.topics().events(), null, ts + split.train().size() + i,
                        bytes(id), events.encode(new Event(id, model, r.features()))), delivered);
                i++;
            }
            producer.flush();
            delivered.check();
            out.printf("Produced %d events to '%s'; reading '%s'...%n", split.test().size(),
                    config.topics().events(), config.topics().scoredEvents());
            List<ScoredEvent> scored = readScored(app, split.test().size(), timeout);
            int correct = 0;
            for (ScoredEvent p : scored) {
                Integer y = truth.get(p.id());
                if (y != null && y == p.label()) {
                    correct++;
                }
            }
            WeightSnapshot s = trained.snapshot();
            return new Result(split.train().size(), scored.size(), correct, trained.version(), s.getExamplesSeen(),
                    s.getMetrics().getAccuracy(), trained.network().weights(0).clone(),
                    trained.network().biases(0).clone(), Duration.ofNanos(System.nanoTime() - t0));
        }
    }

    private static DecodedSnapshot awaitModel(StreamlearnApp app, String model, long examples, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            app.checkRunning();
            DecodedSnapshot p = app.registry().get(model);
            if (p != null && p.snapshot().getExamplesSeen() >= examples) {
                return p;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the model did not publish weights trained on " + examples
                + " examples within " + timeout.toSeconds() + " s");
    }

    private static List<ScoredEvent> readScored(StreamlearnApp app, int expected, Duration timeout) {
        StreamlearnConfig config = app.config();
        Properties p = new Properties();
        p.putAll(KafkaProperties.common(config));
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        Codec<ScoredEvent> codec = Topics.of(config).scoredEvents().codec();
        List<ScoredEvent> out = new java.util.ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<org.apache.kafka.common.TopicPartition> parts = new java.util.ArrayList<>();
            c.partitionsFor(config.topics().scoredEvents(), timeout)
                    .forEach(pi -> parts.add(new org.apache.kafka.common.TopicPartition(pi.topic(), pi.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                app.checkRunning();
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.add(codec.decode(r.value()));
                }
            }
        }
        if (out.size() < expected) {
            throw new IllegalStateException("read " + out.size() + " of " + expected + " scored events within "
                    + timeout.toSeconds() + " s");
        }
        return out;
    }

    /** Producer settings for sending raw bytes to the configured cluster (idempotent, acks=all). */
    public static Properties producerProps(StreamlearnConfig config) {
        Properties p = new Properties();
        p.putAll(KafkaProperties.common(config));
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
