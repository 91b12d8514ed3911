package io.streamlearn.topology;

import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports snapshots refused from the weights topic: every one to the listener (a count), but a
 * WARN only when a model's reason changes, so a producer that keeps writing the same wrong shape
 * does not flood the log. One instance per processor: not thread-safe.
 */
final class SnapshotRejections {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotRejections.class);
    /** Keys come from the topic, so the memory of what was logged is bounded. */
    private static final int MAX_REMEMBERED = 1024;

    private final TopologyListener listener;
    private final Map<String, String> lastLogged = new HashMap<>();

    SnapshotRejections(TopologyListener listener) {
        this.listener = listener;
    }

    void reject(String model, long version, String reason, String where) {
        listener.snapshotRejected(model, version, reason);
        if (reason.equals(lastLogged.get(model))) {
            LOG.debug("Ignoring snapshot version {} of model '{}' {}: {}", version, model, where, reason);
            return;
        }
        if (lastLogged.size() >= MAX_REMEMBERED) {
            lastLogged.clear();
        }
        lastLogged.put(model, reason);
        LOG.warn("Ignoring snapshot version {} of model '{}' {}, keeping the previous weights: {}"
                + " (further snapshots refused for the same reason are logged at DEBUG)", version, model, where, reason);
    }
}
