package io.streamlearn.app;

import io.streamlearn.avro.SnapshotSource;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.Codec;
import io.streamlearn.config.ModelConfig;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.kafka.Deliveries;
import io.streamlearn.kafka.Topics;
import io.streamlearn.learn.OnlineLearner;
import io.streamlearn.snapshot.SnapshotMapper;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes, as version 0, the explicit initial weights of models that have never published
 * anything: such weights are meant to be used as they are (the tutorial's OR perceptron), so
 * events can be scored before any example arrives. Seeded models publish only what they learn.
 */
final class InitialWeights {
    private static final Logger LOG = LoggerFactory.getLogger(InitialWeights.class);

    private InitialWeights() {
    }

    static void publishMissing(StreamlearnConfig config, Map<String, WeightSnapshot> published) {
        if (config.models().values().stream().noneMatch(ModelConfig::hasInitialWeights)) {
            return;
        }
        Properties p = new Properties();
        p.putAll(KafkaProperties.modelProducer(config));
        Codec<WeightSnapshot> codec = Topics.of(config).weights().codec();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        Deliveries delivered = new Deliveries();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            for (ModelConfig m : config.models().values()) {
                if (m.hasInitialWeights() && !published.containsKey(m.id())) {
                    OnlineLearner fresh = OnlineLearner.fresh(m);
                    WeightSnapshot s = SnapshotMapper.snapshot(fresh, 0, System.currentTimeMillis(), SnapshotSource.LIVE, null);
                    producer.send(new ProducerRecord<>(config.topics().weights(), m.id(), codec.encode(s)), delivered);
                    LOG.info("Published the initial weights of model '{}' as version 0", m.id());
                }
            }
            producer.flush();
        }
        delivered.check();
    }
}
