package io.streamlearn.topology;

import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * The model store, with a hook that runs first when Kafka Streams flushes its stores before a
 * commit. The trainer keeps its learners decoded in memory and writes the ones that changed
 * here, so a model is encoded and logged once per commit instead of once per example. Kafka
 * Streams flushes stores (and so the changelog writes made by the hook) before it flushes the
 * producer and commits the transaction: the state and the offsets it reflects commit together.
 */
final class DeferredWriteStore extends WrappedStateStore<KeyValueStore<String, byte[]>, String, byte[]>
        implements KeyValueStore<String, byte[]> {
    private final FlushHooks hooks;
    private TaskId task;

    DeferredWriteStore(KeyValueStore<String, byte[]> inner, FlushHooks hooks) {
        super(inner);
        this.hooks = hooks;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        this.task = context.taskId();
        super.init(context, root);
    }

    @Override
    public void flushCache() {
        if (task != null) {
            hooks.run(task);
        }
        super.flushCache();
    }

    @Override
    public void put(String key, byte[] value) {
        wrapped().put(key, value);
    }

    @Override
    public byte[] putIfAbsent(String key, byte[] value) {
        return wrapped().putIfAbsent(key, value);
    }

    @Override
    public void putAll(List<KeyValue<String, byte[]>> entries) {
        wrapped().putAll(entries);
    }

    @Override
    public byte[] delete(String key) {
        return wrapped().delete(key);
    }

    @Override
    public byte[] get(String key) {
        return wrapped().get(key);
    }

    @Override
    public KeyValueIterator<String, byte[]> range(String from, String to) {
        return wrapped().range(from, to);
    }

    @Override
    public KeyValueIterator<String, byte[]> all() {
        return wrapped().all();
    }

    @Override
    public long approximateNumEntries() {
        return wrapped().approximateNumEntries();
    }
}
