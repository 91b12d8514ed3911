package io.streamlearn.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The models this application trains and scores now: the configuration file's, then whatever the
 * catalogue topic says (models added, changed and retired while the learner runs, the same on
 * every instance). One per running application; the global catalogue processor writes it, every
 * processor, the HTTP API and the metrics read it.
 *
 * <p>Readers on the hot path hold no lock: each change publishes new immutable maps and bumps
 * {@link #generation}, so a processor checks one volatile number per record and looks again only
 * when it moved.
 */
public final class ModelCatalog {
    private final String defaultModel;
    private volatile Map<String, ModelConfig> active;
    private volatile Map<String, ModelConfig> retired = Map.of();
    private volatile long generation;

    private ModelCatalog(String defaultModel, Map<String, ModelConfig> models) {
        this.defaultModel = defaultModel;
        this.active = Collections.unmodifiableMap(new LinkedHashMap<>(models));
    }

    /** The configuration file's models, until the catalogue topic says otherwise. */
    public static ModelCatalog of(StreamlearnConfig config) {
        return new ModelCatalog(config.defaultModel(), config.models());
    }

    /** The active model of that id; null when there is none (never declared, or retired). */
    public ModelConfig model(String id) {
        return active.get(id);
    }

    /** The last settings of a retired model; null when {@code id} is not retired. */
    public ModelConfig retired(String id) {
        return retired.get(id);
    }

    /** Whether {@code id} is a model this catalogue knows, active or retired. */
    public boolean knows(String id) {
        return active.containsKey(id) || retired.containsKey(id);
    }

    /** Active models by id, in the order they were declared or added. */
    public Map<String, ModelConfig> models() {
        return active;
    }

    public Set<String> retiredIds() {
        return retired.keySet();
    }

    /** Model of a record that names none (it may be retired: such records are then refused as retired). */
    public String defaultModel() {
        return defaultModel;
    }

    /** Moves on every change; equal numbers mean the same catalogue. */
    public long generation() {
        return generation;
    }

    /** {@code model} is active with these settings from now on (added, changed, or brought back). */
    public synchronized void put(ModelConfig model) {
        if (ModelEntry.same(model, active.get(model.id())) && !retired.containsKey(model.id())) {
            return;
        }
        Map<String, ModelConfig> a = new LinkedHashMap<>(active);
        a.put(model.id(), model);
        Map<String, ModelConfig> r = new LinkedHashMap<>(retired);
        r.remove(model.id());
        publish(a, r);
    }

    /** {@code model} is retired: no training or scoring; its last settings are kept. */
    public synchronized void retire(ModelConfig model) {
        if (ModelEntry.same(model, retired.get(model.id())) && !active.containsKey(model.id())) {
            return;
        }
        Map<String, ModelConfig> a = new LinkedHashMap<>(active);
        a.remove(model.id());
        Map<String, ModelConfig> r = new LinkedHashMap<>(retired);
        r.put(model.id(), model);
        publish(a, r);
    }

    private void publish(Map<String, ModelConfig> a, Map<String, ModelConfig> r) {
        active = Collections.unmodifiableMap(a);
        retired = Collections.unmodifiableMap(r);
        generation++;
    }
}
