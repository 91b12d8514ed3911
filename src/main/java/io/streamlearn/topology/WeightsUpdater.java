package io.streamlearn.topology;

import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.Codec;
import io.streamlearn.codec.Codecs;
import io.streamlearn.codec.InvalidRecordException;
import io.streamlearn.codec.SnapshotMapper;
import io.streamlearn.config.StreamlearnConfig;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs on the global thread of every instance: keeps the newest snapshot of every model in the
 * global store and decodes it once into the registry, so scoring never decodes per event.
 */
final class WeightsUpdater implements Processor<String, byte[], Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(WeightsUpdater.class);

    private final StreamlearnConfig config;
    private final ModelRegistry registry;
    private KeyValueStore<String, byte[]> store;
    private Codec<WeightSnapshot> snapshots;

    WeightsUpdater(StreamlearnConfig config, ModelRegistry registry) {
        this.config = config;
        this.registry = registry;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.store = context.getStateStore(Names.WEIGHTS_GLOBAL_STORE);
        this.snapshots = Codecs.snapshots(config.formats().weights());
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        WeightSnapshot snap;
        try {
            snap = snapshots.decode(record.value());
        } catch (InvalidRecordException e) {
            LOG.warn("Ignoring an unreadable snapshot of model '{}' on the weights topic: {}", record.key(), e.detail());
            return;
        }
        PublishedModel held = registry.get(record.key());
        if (held != null && held.version() >= snap.getVersion()) {
            return;
        }
        store.put(record.key(), record.value());
        registry.offer(new PublishedModel(record.key(), snap.getVersion(), snap.getSource(),
                SnapshotMapper.network(snap), snap));
    }
}
