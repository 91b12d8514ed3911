package io.streamlearn.topology;

import io.streamlearn.codec.CatalogueRecord;
import io.streamlearn.codec.JsonCatalogueCodec;
import io.streamlearn.config.ConfigException;
import io.streamlearn.config.ModelCatalog;
import io.streamlearn.config.ModelConfig;
import io.streamlearn.config.ModelEntry;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the catalogue topic on every instance (a global store: every instance reads all of it)
 * and keeps the application's {@link ModelCatalog} in step. A record is checked as the file's
 * models are; one that does not read, or would change the shape or loss of a model that exists,
 * is refused with a WARN and the catalogue keeps what it had ({@code streamlearn model} refuses
 * both before writing, so only a record written by other means gets here). A tombstone retires.
 */
final class CatalogueUpdater implements Processor<String, byte[], Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogueUpdater.class);
    private final ModelCatalog catalog;
    private final TopologyListener listener;
    private final JsonCatalogueCodec codec = new JsonCatalogueCodec();
    private KeyValueStore<String, byte[]> store;
    /**
     * Records written before this start were read whole when the start seeded the catalogue (and
     * said so in one line); Kafka Streams replays them through {@link #process} as it restores the
     * store, and only later ones are news worth a line each.
     */
    private final long startedAt = System.currentTimeMillis();

    CatalogueUpdater(ModelCatalog catalog, TopologyListener listener) {
        this.catalog = catalog;
        this.listener = listener;
    }

    /** The restored store bypassed {@link #process}: what it holds is applied before any stream thread runs. */
    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.store = context.getStateStore(Names.CATALOGUE_GLOBAL_STORE);
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                apply(kv.key, kv.value, false);
            }
        }
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            ModelConfig known = catalog.model(record.key());
            if (known != null) {
                catalog.retire(known);
                listener.retired(record.key());
                LOG.info("Model '{}' retired (a tombstone on the catalogue topic)", record.key());
            }
            store.delete(record.key());
            return;
        }
        if (apply(record.key(), record.value(), record.timestamp() >= startedAt)) {
            store.put(record.key(), record.value());
        }
    }

    private boolean apply(String key, byte[] value, boolean news) {
        CatalogueRecord r;
        ModelConfig model;
        try {
            r = codec.decode(value);
            model = r.config("catalogue record '" + key + "'");
        } catch (ConfigException e) {
            LOG.warn("Catalogue record '{}' refused, the model keeps its settings: {}", key, String.join("; ", e.problems()));
            return false;
        } catch (RuntimeException e) {
            LOG.warn("Catalogue record '{}' refused, the model keeps its settings: {}", key, e.getMessage());
            return false;
        }
        if (!key.equals(model.id())) {
            LOG.warn("Catalogue record keyed '{}' describes model '{}': refused", key, model.id());
            return false;
        }
        ModelConfig was = catalog.model(key) != null ? catalog.model(key) : catalog.retired(key);
        List<String> refused = was == null ? List.of() : ModelEntry.refusedChanges(was, model);
        if (!refused.isEmpty()) {
            LOG.warn("Catalogue record '{}' refused: it changes what the model computes ({}); the model keeps its"
                    + " settings. Add the new network under a new model id", key, String.join(", ", refused));
            return false;
        }
        if (r.retired()) {
            boolean wasActive = catalog.model(key) != null;
            catalog.retire(model);
            if (wasActive) {
                listener.retired(key);
                if (news) {
                    LOG.info("Model '{}' retired from the catalogue", key);
                }
            }
        } else {
            boolean changed = was != null && !ModelEntry.same(was, model);
            boolean isNew = catalog.model(key) == null;
            catalog.put(model);
            if (!news) {
                return true;
            }
            if (isNew) {
                LOG.info("Model '{}' {} the catalogue", key, was == null ? "added to" : "brought back into");
            } else if (changed) {
                LOG.info("Model '{}' changed in the catalogue ({})", key, r.changedBy());
            }
        }
        return true;
    }

    @Override
    public void close() {
    }
}
