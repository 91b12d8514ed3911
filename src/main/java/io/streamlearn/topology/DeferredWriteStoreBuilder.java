package io.streamlearn.topology;

import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/** Builds the model store: Kafka's logged RocksDB store inside a {@link DeferredWriteStore}. */
final class DeferredWriteStoreBuilder implements StoreBuilder<KeyValueStore<String, byte[]>> {
    private final StoreBuilder<KeyValueStore<String, byte[]>> inner;
    private final FlushHooks hooks;

    DeferredWriteStoreBuilder(StoreBuilder<KeyValueStore<String, byte[]>> inner, FlushHooks hooks) {
        this.inner = inner;
        this.hooks = hooks;
    }

    @Override
    public StoreBuilder<KeyValueStore<String, byte[]>> withCachingEnabled() {
        inner.withCachingEnabled();
        return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<String, byte[]>> withCachingDisabled() {
        inner.withCachingDisabled();
        return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<String, byte[]>> withLoggingEnabled(Map<String, String> config) {
        inner.withLoggingEnabled(config);
        return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<String, byte[]>> withLoggingDisabled() {
        inner.withLoggingDisabled();
        return this;
    }

    @Override
    public KeyValueStore<String, byte[]> build() {
        return new DeferredWriteStore(inner.build(), hooks);
    }

    @Override
    public Map<String, String> logConfig() {
        return inner.logConfig();
    }

    @Override
    public boolean loggingEnabled() {
        return inner.loggingEnabled();
    }

    @Override
    public String name() {
        return inner.name();
    }
}
