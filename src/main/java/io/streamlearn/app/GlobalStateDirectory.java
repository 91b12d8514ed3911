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
 * Empties this application's directory of global state before Kafka Streams starts. The global
 * weights store lives in memory and is rebuilt from the weights topic at every start, so the
 * directory holds nothing worth keeping, only what can stop a start: a checkpoint of a weights
 * topic that was deleted and created again (its offset out of range), or the on-disk store and
 * checkpoint an earlier version left, whose offset would make the in-memory store skip every
 * snapshot before it.
 */
final class GlobalStateDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(GlobalStateDirectory.class);

    private GlobalStateDirectory() {
    }

    static void clear(StreamlearnConfig config) {
        String stateDir = new StreamsConfig(StreamsSettings.from(config)).getString(StreamsConfig.STATE_DIR_CONFIG);
        // Kafka Streams keeps a client's global stores in <state.dir>/<application.id>/global.
        File global = new File(new File(stateDir, config.applicationId()), "global");
        if (!global.exists()) {
            return;
        }
        LOG.debug("Removing {}: the global weights store is rebuilt from '{}'", global, config.topics().weights());
        try {
            Utils.delete(global);
        } catch (IOException e) {
            throw new UncheckedIOException("removing " + global, e);
        }
    }
}
