package io.streamlearn.topology;

import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.Codec;
import io.streamlearn.codec.InvalidRecordException;
import io.streamlearn.config.ModelCatalog;
import io.streamlearn.config.ModelConfig;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.kafka.Topics;
import io.streamlearn.snapshot.DecodedSnapshot;
import io.streamlearn.snapshot.ModelRegistry;
import io.streamlearn.snapshot.SnapshotFit;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Runs on the global thread of every instance: keeps the newest snapshot of every model in the
 * global store and decodes it once into the registry, so scoring never decodes per event. A
 * snapshot that does not decode or does not fit the configured model is refused and the previous
 * weights stay: an exception here would stop the global thread, and with it the whole instance.
 */
final class WeightsUpdater implements Processor<String, byte[], Void, Void> {
    private final StreamlearnConfig config;
    private final ModelCatalog catalog;
    private final ModelRegistry registry;
    private final SnapshotRejections rejections;
    private KeyValueStore<String, byte[]> store;
    private Codec<WeightSnapshot> snapshots;

    WeightsUpdater(StreamlearnConfig config, ModelCatalog catalog, ModelRegistry registry, TopologyListener listener) {
        this.config = config;
        this.catalog = catalog;
        this.registry = registry;
        this.rejections = new SnapshotRejections(listener);
    }

    /**
     * Kafka Streams restores the global store (from the weights topic) before it initialises this
     * processor, and starts no stream thread before the global thread is initialised: filling the
     * registry from the restored store here means no example or event is processed before every
     * model's newest weights are known. (Filled after the application reached RUNNING instead,
     * events scored in between were dead-lettered NO_WEIGHTS_YET for models that had weights.)
     */
    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.store = context.getStateStore(Names.WEIGHTS_GLOBAL_STORE);
        this.snapshots = Topics.of(config).weights().codec();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                admit(kv.key, kv.value, false);
            }
        }
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        admit(record.key(), record.value(), true);
    }

    /** Decodes, checks and registers one snapshot; {@code store} it when it came from the topic, not from the store. */
    private void admit(String key, byte[] value, boolean storeIt) {
        WeightSnapshot snap;
        try {
            snap = snapshots.decode(value);
        } catch (InvalidRecordException e) {
            rejections.reject(key, -1, "unreadable: " + e.detail(), "on the weights topic");
            return;
        } catch (RuntimeException e) {
            rejections.reject(key, -1, "unreadable: " + e, "on the weights topic");
            return;
        }
        DecodedSnapshot held = registry.get(key);
        if (held != null && held.version() >= snap.getVersion()) {
            return;
        }
        DecodedSnapshot admitted;
        try {
            // A retired model's weights stay readable (HTTP, weights), checked against its last settings.
            ModelConfig configured = catalog.model(key);
            admitted = SnapshotFit.admit(key, snap, configured != null ? configured : catalog.retired(key));
        } catch (RuntimeException e) {
            rejections.reject(key, snap.getVersion(), String.valueOf(e.getMessage()), "on the weights topic");
            return;
        }
        // Stored only once admitted. A restore at start copies the topic as it is, without this
        // check, which is why the restored store is checked again in init.
        if (storeIt) {
            store.put(key, value);
        }
        registry.offer(admitted);
    }
}
