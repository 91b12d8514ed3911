package io.streamlearn.retrain;

import io.streamlearn.app.KafkaProperties;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.kafka.Deliveries;
import io.streamlearn.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Asks the running learner to publish weights as a model's next version, and waits until it has.
 * The learner owns every version number, so weights made elsewhere (a retrain, a rollback) are
 * never numbered below what it published meanwhile. Lineage headers travel onto the version.
 */
public final class ModelRequests {
    public static final String REQUEST_ID = "streamlearn.request.id";

    private ModelRequests() {
    }

    /**
     * Sends {@code weights} for {@code model} with {@code lineage} headers (keys starting with
     * {@code streamlearn.}) and returns the version the learner published from them.
     *
     * @throws IllegalStateException when no learner published it within {@code timeout}
     */
    public static WeightSnapshot publish(StreamlearnConfig config, Properties client, String model, WeightSnapshot weights,
                                         Map<String, String> lineage, Duration timeout) {
        Topics topics = Topics.of(config);
        Properties p = new Properties();
        p.putAll(client);
        p.putAll(KafkaProperties.modelProducerLimits(config, ""));
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        String requestId = UUID.randomUUID().toString();
        try (PublishedVersions versions = PublishedVersions.fromNow(client, topics.weights());
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> r = new ProducerRecord<>(topics.requests().name(), model,
                    topics.requests().codec().encode(weights));
            r.headers().add(REQUEST_ID, requestId.getBytes(StandardCharsets.UTF_8));
            lineage.forEach((k, v) -> r.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
            Deliveries delivered = new Deliveries();
            producer.send(r, delivered);
            producer.flush();
            delivered.check();
            WeightSnapshot done = versions.await(REQUEST_ID, requestId, timeout);
            if (done == null) {
                throw new IllegalStateException("the weights were sent to '" + topics.requests().name()
                        + "' but no learner published them within " + timeout.toSeconds() + " s; a running learner of"
                        + " application '" + config.applicationId() + "' will when it reads them");
            }
            return done;
        }
    }
}
