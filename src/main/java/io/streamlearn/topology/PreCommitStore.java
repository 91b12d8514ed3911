package io.streamlearn.topology;

import java.util.List;
import java.util.NoSuchElementException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Runs a task's trainer hook before every commit, through public Kafka Streams API only.
 *
 * <p>The trainer keeps its learners decoded in memory and must write each changed one to the
 * changelogged model store before the task commits, so that the state and the offsets it
 * reflects commit together (in one transaction under exactly-once). Writing on every example
 * would encode the whole model per example; writing later than the commit loses examples on a
 * crash. Kafka Streams has no public "before commit" callback for a processor, and a store's own
 * {@code flush()}/{@code commit(Map)} is no such callback either: Kafka Streams 4.4 calls it from
 * {@code postCommit} (the checkpoint), after the transaction has committed, so writes made there
 * would land in the next transaction. A punctuator does not line up with commits at all.
 *
 * <p>What Kafka Streams does guarantee is that a store's record cache is flushed to the store
 * under it before every commit (and earlier, when the cache is full): that is what keeps every
 * cached DSL aggregation exactly-once. So this store sits under a cache
 * ({@code withCachingEnabled()}), holds nothing, and runs the hook whenever a write reaches it.
 * The trainer writes a marker into the cached store when a learner becomes dirty, and the
 * marker's arrival here, before the commit, makes the trainer write its dirty learners into the
 * logged model store, whose changelog records then belong to the commit being prepared. If the
 * cache is small or disabled the marker arrives at once, i.e. the write happens before the
 * commit anyway, only more often.
 */
final class PreCommitStore implements KeyValueStore<Bytes, byte[]> {
    private final String name;
    private final PreCommitHooks hooks;
    private TaskId task;
    private boolean open;

    private PreCommitStore(String name, PreCommitHooks hooks) {
        this.name = name;
        this.hooks = hooks;
    }

    /**
     * The cached, unlogged store the trainer marks: a changelog would only replay markers, and a
     * restored marker must not run a hook.
     */
    static StoreBuilder<KeyValueStore<String, byte[]>> builder(String name, PreCommitHooks hooks) {
        KeyValueBytesStoreSupplier supplier = new KeyValueBytesStoreSupplier() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public KeyValueStore<Bytes, byte[]> get() {
                return new PreCommitStore(name, hooks);
            }

            @Override
            public String metricsScope() {
                return "pre-commit";
            }
        };
        return Stores.keyValueStoreBuilder(supplier, Serdes.String(), Serdes.ByteArray())
                .withCachingEnabled().withLoggingDisabled();
    }

    private void arrived() {
        if (task != null) {
            hooks.run(task);
        }
    }

    @Override
    public void put(Bytes key, byte[] value) {
        arrived();
    }

    @Override
    public byte[] putIfAbsent(Bytes key, byte[] value) {
        arrived();
        return null;
    }

    @Override
    public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
        arrived();
    }

    @Override
    public byte[] delete(Bytes key) {
        arrived();
        return null;
    }

    @Override
    public byte[] get(Bytes key) {
        return null;
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
        return new Empty();
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
        return new Empty();
    }

    @Override
    public long approximateNumEntries() {
        return 0;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        task = context.taskId();
        // Every store must register; unlogged, it is never restored.
        context.register(root, (key, value) -> { });
        open = true;
    }

    @Override
    public void close() {
        open = false;
        task = null;
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    private static final class Empty implements KeyValueIterator<Bytes, byte[]> {
        @Override
        public boolean hasNext() {
            return false;
        }

        @Override
        public KeyValue<Bytes, byte[]> next() {
            throw new NoSuchElementException();
        }

        @Override
        public Bytes peekNextKey() {
            throw new NoSuchElementException();
        }

        @Override
        public void close() {
        }
    }
}
