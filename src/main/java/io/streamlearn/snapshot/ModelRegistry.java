package io.streamlearn.snapshot;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The newest published version of every model, as seen by this application instance. Fed by the
 * global weights processor (every instance reads the whole weights topic) and read by scoring,
 * the trainer (to adopt retrained versions) and the HTTP API. One registry per running
 * application, never static, so several applications can share a JVM.
 */
public final class ModelRegistry {
    private final ConcurrentMap<String, DecodedSnapshot> models = new ConcurrentHashMap<>();

    /** Keeps {@code candidate} if it is newer than what is held for its model; returns what is held after. */
    public DecodedSnapshot offer(DecodedSnapshot candidate) {
        return models.merge(candidate.model(), candidate,
                (held, offered) -> offered.version() > held.version() ? offered : held);
    }

    public DecodedSnapshot get(String model) {
        return models.get(model);
    }

    public Collection<DecodedSnapshot> all() {
        return models.values();
    }
}
