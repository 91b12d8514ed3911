package io.streamlearn.cli;

import io.streamlearn.app.KafkaProperties;
import io.streamlearn.app.StreamlearnApp;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.kafka.BrokerUnavailableException;
import io.streamlearn.kafka.Topics;
import io.streamlearn.snapshot.WeightsReader;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/** What the client commands share: reaching the broker (with a one-line error) and reading weights. */
final class KafkaAccess {
    private KafkaAccess() {
    }

    /** Checks the broker answers and the topics exist; a user error within about 5 s otherwise. */
    static Properties connect(StreamlearnConfig config) {
        try {
            StreamlearnApp.ensureTopics(config, Duration.ofSeconds(5));
        } catch (BrokerUnavailableException e) {
            throw new UserError(e.getMessage());
        }
        Properties p = new Properties();
        p.putAll(KafkaProperties.common(config));
        return p;
    }

    /** A model's snapshot: the given version, or its newest; a user error when the topic has none. */
    static WeightSnapshot snapshot(StreamlearnConfig config, Properties client, String model, Long version) {
        List<WeightSnapshot> all = WeightsReader.readAll(client, config.topics().weights(),
                Topics.of(config).weights().codec()).get(model);
        if (all == null || all.isEmpty()) {
            throw new UserError("model '" + model + "' has published nothing on '" + config.topics().weights() + "'");
        }
        WeightSnapshot s = WeightsReader.select(all, version);
        if (s == null) {
            throw new UserError("version " + version + " of '" + model + "' is not on the topic (compaction keeps the newest; "
                    + "newest is " + WeightsReader.select(all, null).getVersion() + ")");
        }
        return s;
    }
}
