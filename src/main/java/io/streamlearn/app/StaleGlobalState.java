package io.streamlearn.app;

import io.streamlearn.config.StreamlearnConfig;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.internals.OffsetCheckpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops the local copy of the global weights store when it is ahead of the weights topic. That
 * happens when the topic was deleted and created again, or the broker's data was removed, while
 * the state directory stayed: Kafka Streams would seek the global consumer to the checkpointed
 * offset, find it out of range and stop the whole client. Without the stale copy it simply
 * restores the store from the topic, which is the source of truth anyway.
 */
final class StaleGlobalState {
    private static final Logger LOG = LoggerFactory.getLogger(StaleGlobalState.class);

    private StaleGlobalState() {
    }

    static void dropIfAheadOfTopic(StreamlearnConfig config, Admin admin) {
        String stateDir = new StreamsConfig(StreamsSettings.from(config)).getString(StreamsConfig.STATE_DIR_CONFIG);
        // Kafka Streams keeps a client's global stores in <state.dir>/<application.id>/global, with a .checkpoint file.
        File global = new File(new File(stateDir, config.applicationId()), "global");
        File checkpoint = new File(global, ".checkpoint");
        if (!checkpoint.isFile()) {
            return;
        }
        try {
            Map<TopicPartition, Long> stored = new OffsetCheckpoint(checkpoint).read();
            Map<TopicPartition, OffsetSpec> query = new HashMap<>();
            stored.keySet().forEach(tp -> query.put(tp, OffsetSpec.latest()));
            if (query.isEmpty()) {
                return;
            }
            var ends = admin.listOffsets(query).all().get();
            for (var e : stored.entrySet()) {
                var end = ends.get(e.getKey());
                if (end != null && e.getValue() > end.offset()) {
                    LOG.warn("The local copy of '{}' in {} is at offset {} but the topic ends at {} (the topic was created "
                                    + "again or the broker's data removed): dropping it; Kafka Streams restores it from the topic",
                            e.getKey(), global, e.getValue(), end.offset());
                    Utils.delete(global);
                    return;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + checkpoint, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // A partition the broker does not know (yet): Kafka Streams reports that itself, more precisely.
            LOG.debug("Could not compare {} with the topic: {}", checkpoint, e.getCause().getMessage());
        }
    }
}
