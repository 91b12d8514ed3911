package io.streamlearn.app;

import io.streamlearn.config.StreamlearnConfig;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops this application's local copy of the global weights store when the weights topic did not
 * exist until this start. The copy then belongs to a topic that is gone (the broker's data was
 * removed, or the topic deleted, while the state directory stayed), and it remembers an offset
 * the new topic does not have: Kafka Streams would find it out of range and stop the whole
 * client. Without it, Kafka Streams restores the store from the topic, the source of truth.
 */
final class StaleGlobalState {
    private static final Logger LOG = LoggerFactory.getLogger(StaleGlobalState.class);

    private StaleGlobalState() {
    }

    /** Call only when this start has just created the weights topic. */
    static void dropForNewWeightsTopic(StreamlearnConfig config) {
        String stateDir = new StreamsConfig(StreamsSettings.from(config)).getString(StreamsConfig.STATE_DIR_CONFIG);
        // Kafka Streams keeps a client's global stores in <state.dir>/<application.id>/global.
        File global = new File(new File(stateDir, config.applicationId()), "global");
        if (!global.exists()) {
            return;
        }
        LOG.warn("'{}' was created by this start, but {} holds a copy of an earlier '{}' (the broker's data was removed or "
                + "the topic deleted): dropping it; Kafka Streams restores it from the topic", config.topics().weights(),
                global, config.topics().weights());
        try {
            Utils.delete(global);
        } catch (IOException e) {
            throw new UncheckedIOException("removing " + global, e);
        }
    }
}
