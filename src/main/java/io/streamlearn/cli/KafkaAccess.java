package io.streamlearn.cli;

import io.streamlearn.app.KafkaProperties;
import io.streamlearn.app.StreamlearnApp;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.catalogue.CatalogueSeeding;
import io.streamlearn.catalogue.CatalogueTopic;
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

    /**
     * The configuration with the models of the catalogue topic instead of only the file's: a model
     * added by {@code model add} can be retrained, rolled back, produced to and listed.
     *
     * @param client what {@link #connect} gave for {@code config}
     */
    static StreamlearnConfig withCatalogue(StreamlearnConfig config, Properties client) {
        var current = CatalogueTopic.read(client, config.topics().catalogue());
        if (current.isEmpty()) {
            return config;
        }
        return config.withModels(CatalogueSeeding.of(config, current, System.currentTimeMillis()).catalog().models());
    }

    /**
     * A model's snapshot: its newest from the weights topic, or a given version from the weights
     * history (every version, for the history's retention); a user error when there is none.
     */
    static WeightSnapshot snapshot(StreamlearnConfig config, Properties client, String model, Long version) {
        Topics topics = Topics.of(config);
        if (version != null) {
            List<WeightSnapshot> kept = WeightsReader.readAll(client, topics.weightsHistory().name(),
                    topics.weightsHistory().codec()).getOrDefault(model, List.of());
            WeightSnapshot s = WeightsReader.select(kept, version);
            if (s != null) {
                return s;
            }
        }
        List<WeightSnapshot> all = WeightsReader.readAll(client, config.topics().weights(),
                topics.weights().codec()).get(model);
        if (all == null || all.isEmpty()) {
            throw new UserError("model '" + model + "' has published nothing on '" + config.topics().weights() + "'");
        }
        WeightSnapshot s = WeightsReader.select(all, version);
        if (s == null) {
            throw new UserError("version " + version + " of '" + model + "' is neither in '" + config.topics().weightsHistory()
                    + "' (kept for its retention) nor on '" + config.topics().weights() + "' (newest is "
                    + WeightsReader.select(all, null).getVersion() + ")");
        }
        return s;
    }
}
