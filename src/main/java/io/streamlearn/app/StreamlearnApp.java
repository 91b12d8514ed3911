package io.streamlearn.app;

import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.kafka.TopicAdmin;
import io.streamlearn.kafka.TopicAdmin.TopicSpec;
import io.streamlearn.topology.ModelRecordSizes;
import io.streamlearn.topology.ModelRegistry;
import io.streamlearn.topology.Names;
import io.streamlearn.topology.RecordLimits;
import io.streamlearn.topology.TopologyFactory;
import io.streamlearn.topology.TopologyListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.Codec;
import io.streamlearn.codec.Codecs;
import io.streamlearn.topology.SnapshotFit;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running learner: checks the broker, creates missing topics, starts Kafka Streams on the
 * topology and waits until it is RUNNING. The lifecycle only; the topology comes from
 * {@link TopologyFactory}, the configuration from the caller.
 */
public final class StreamlearnApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamlearnApp.class);

    private final StreamlearnConfig config;
    private final ModelRegistry registry;
    private final KafkaStreams streams;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private StreamlearnApp(StreamlearnConfig config, ModelRegistry registry, KafkaStreams streams) {
        this.config = config;
        this.registry = registry;
        this.streams = streams;
    }

    /** Starts the learner and returns once it is RUNNING; fails clearly if the broker is not there. */
    public static StreamlearnApp start(StreamlearnConfig config, TopologyListener listener, Duration timeout) {
        return start(config, new ModelRegistry(), listener, timeout);
    }

    /** Starts with a registry made beforehand (listeners such as the dashboard read it too). */
    public static StreamlearnApp start(StreamlearnConfig config, ModelRegistry registry, TopologyListener listener,
                                       Duration timeout) {
        return start(config, registry, listener, timeout, app -> { });
    }

    /** What runs on the application before Kafka Streams starts (the HTTP server, so /health answers during start-up). */
    @FunctionalInterface
    public interface BeforeStart {
        void accept(StreamlearnApp app) throws java.io.IOException;
    }

    /**
     * Starts with {@code beforeStart} run on the application once it exists and before Kafka
     * Streams starts; if it fails, nothing is started and its exception is rethrown (unchecked).
     */
    public static StreamlearnApp start(StreamlearnConfig config, ModelRegistry registry, TopologyListener listener,
                                       Duration timeout, BeforeStart beforeStart) {
        RecordLimits limits = prepare(config, Duration.ofSeconds(5));
        InitialWeights.publishMissing(config);
        KafkaStreams streams = new KafkaStreams(TopologyFactory.build(config, limits, registry, listener),
                StreamsSettings.from(config, listener));
        StreamlearnApp app = new StreamlearnApp(config, registry, streams);
        streams.setGlobalStateRestoreListener(new RestoreLog());
        CountDownLatch running = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING
                    || now == KafkaStreams.State.PENDING_SHUTDOWN) {
                running.countDown();
                app.stopped.countDown();
            }
        });
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("streamlearn stopped by an unexpected error", e);
            app.failure.compareAndSet(null, e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        try {
            beforeStart.accept(app);
        } catch (java.io.IOException | RuntimeException e) {
            streams.close(Duration.ofSeconds(5));
            throw e instanceof RuntimeException r ? r : new java.io.UncheckedIOException((java.io.IOException) e);
        }
        streams.start();
        try {
            if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                streams.close(Duration.ofSeconds(5));
                throw new IllegalStateException("Kafka Streams did not reach RUNNING within " + timeout.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            streams.close(Duration.ofSeconds(5));
            throw new IllegalStateException("interrupted while starting", e);
        }
        if (streams.state() != KafkaStreams.State.RUNNING && streams.state() != KafkaStreams.State.REBALANCING) {
            Throwable f = app.failure.get();
            streams.close(Duration.ofSeconds(5));
            throw new IllegalStateException("Kafka Streams failed to start (state " + streams.state() + ")"
                    + (f == null ? "" : ": " + f.getMessage()), f);
        }
        app.loadRestoredWeights();
        LOG.info("streamlearn running: application {} on {}, models {}, {}", config.applicationId(),
                config.bootstrapServers(), config.models().keySet(), config.guarantee().streamsValue());
        return app;
    }

    /** Creates the five topics (weights compacted) and, with several partitions, the repartition topic. */
    public static void ensureTopics(StreamlearnConfig config, Duration timeout) {
        try (TopicAdmin admin = new TopicAdmin(KafkaProperties.common(config), timeout)) {
            ensureTopics(config, admin);
        }
    }

    /**
     * What the learner needs before Kafka Streams starts: its topics, no local state of topics that
     * are gone, and the largest records it may write.
     */
    private static RecordLimits prepare(StreamlearnConfig config, Duration timeout) {
        int recordLimit = ModelRecordSizes.recordLimit(config);
        RecordLimits limits;
        try (TopicAdmin admin = new TopicAdmin(KafkaProperties.common(config), timeout)) {
            ensureTopics(config, admin);
            admin.ensureRecordLimit(List.of(config.topics().weights(), Names.modelStoreChangelog(config.applicationId())),
                    recordLimit, "the largest declared model's checkpoint and snapshot");
            limits = recordLimits(config, admin);
        }
        GlobalStateDirectory.clear(config);
        return limits;
    }

    /**
     * Read once here rather than per record: a topic's limit changed while the learner runs is
     * caught by {@link UnwritableRecords}, and the next start reads it.
     */
    private static RecordLimits recordLimits(StreamlearnConfig config, TopicAdmin admin) {
        var t = config.topics();
        long producer = StreamsSettings.largestProducerRecord(config);
        Map<String, Integer> topics = admin.maxMessageBytes(List.of(t.scoredEvents(), t.deadLetters()));
        RecordLimits limits = RecordLimits.of(producer,
                topics.get(t.scoredEvents()), topics.get(t.deadLetters()));
        LOG.info("Largest records written: {} bytes to '{}', {} bytes to '{}' (producer takes {}, max.message.bytes {} and {}); "
                        + "larger dead letters are cut", limits.scoredEvents(), t.scoredEvents(), limits.deadLetters(),
                t.deadLetters(), producer, topics.get(t.scoredEvents()), topics.get(t.deadLetters()));
        return limits;
    }

    /** The topics this call created. */
    private static List<String> ensureTopics(StreamlearnConfig config, TopicAdmin admin) {
        admin.checkReachable(config.bootstrapServers());
        var t = config.topics();
        int p = config.partitions();
        short r = config.replicationFactor();
        List<TopicSpec> specs = new ArrayList<>(List.of(
                new TopicSpec(t.examples(), p, r, false),
                new TopicSpec(t.events(), p, r, false),
                new TopicSpec(t.scoredEvents(), p, r, false),
                new TopicSpec(t.weights(), 1, r, true),
                new TopicSpec(t.deadLetters(), 1, r, false)));
        if (TopologyFactory.needsRepartition(config)) {
            specs.add(new TopicSpec(Names.repartitionTopic(config.applicationId()), p, r, false));
        }
        List<String> created = admin.ensure(specs);
        if (!created.isEmpty()) {
            LOG.info("Created topics {}", created);
        }
        return created;
    }

    /**
     * The global weights store is restored at start without passing through its processor, so
     * the registry learns of the models it holds here (the processor keeps it current afterwards).
     */
    private void loadRestoredWeights() {
        Codec<WeightSnapshot> codec = Codecs.snapshots(config.formats().weights());
        ReadOnlyKeyValueStore<String, byte[]> store = streams.store(StoreQueryParameters.fromNameAndType(
                Names.WEIGHTS_GLOBAL_STORE, QueryableStoreTypes.<String, byte[]>keyValueStore()));
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                try {
                    WeightSnapshot s = codec.decode(kv.value);
                    registry.offer(SnapshotFit.admit(kv.key, s, config));
                } catch (RuntimeException e) {
                    LOG.warn("Ignoring an unreadable or unfit snapshot of model '{}' in the weights store: {}", kv.key, e.getMessage());
                }
            }
        }
    }

    public ModelRegistry registry() {
        return registry;
    }

    public KafkaStreams streams() {
        return streams;
    }

    public StreamlearnConfig config() {
        return config;
    }

    /** Blocks until Kafka Streams stops (closed, or failed); returns the failure if any. */
    public Throwable awaitStop() throws InterruptedException {
        stopped.await();
        return failure.get();
    }

    /**
     * Stops cleanly: commits, and leaves the consumer group so that a successor (a restart, a
     * retrain, another instance) is assigned the tasks at once instead of after the session timeout.
     */
    @Override
    public void close() {
        boolean clean = streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
        if (clean) {
            LOG.info("streamlearn stopped cleanly (state committed, group left)");
        } else {
            LOG.warn("streamlearn did not stop within 30 s");
        }
        stopped.countDown();
    }
}
