package io.streamlearn.app;

import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.catalogue.CatalogueSeeding;
import io.streamlearn.catalogue.CatalogueTopic;
import io.streamlearn.codec.CatalogueRecord;
import io.streamlearn.config.ConfigException;
import io.streamlearn.config.ModelCatalog;
import io.streamlearn.config.ProcessingGuarantee;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.kafka.TopicAdmin.TopicSpec;
import io.streamlearn.kafka.TopicAdmin;
import io.streamlearn.kafka.Topics;
import io.streamlearn.lifecycle.ShutdownSequence;
import io.streamlearn.snapshot.ModelRecordSizes;
import io.streamlearn.snapshot.ModelRegistry;
import io.streamlearn.snapshot.WeightsReader;
import io.streamlearn.topology.Names;
import io.streamlearn.topology.ParallelTraining;
import io.streamlearn.topology.Partitioning;
import io.streamlearn.topology.RecordLimits;
import io.streamlearn.topology.TopologyFactory;
import io.streamlearn.topology.TopologyListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;
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
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    /** Learners of this JVM whose Kafka Streams threads may still die (see {@link #watchUncaughtExceptions}). */
    private static final Set<StreamlearnApp> LIVE = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean WATCHING_UNCAUGHT = new AtomicBoolean();

    private final StreamlearnConfig config;
    /** The models trained and scored now: the file's, then the catalogue topic's. */
    private final ModelCatalog catalog;
    private final ModelRegistry registry;
    private final KafkaStreams streams;
    private final ShutdownSequence.Registration exit;
    /** Null under at-least-once, which writes no transactions. */
    private final AbandonedTransactions abandoned;
    /** Kafka Streams has stopped or is failing. */
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** {@link #close} has finished. */
    private final CountDownLatch closed = new CountDownLatch(1);
    /** The first error that stopped Kafka Streams before anyone asked it to stop. */
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    /** An error while closing on request: the stop was not clean, but nothing failed before it. */
    private final AtomicReference<Throwable> failureWhileStopping = new AtomicReference<>();
    /** Kafka Streams went to PENDING_ERROR or ERROR by itself (not every way there passes the handler). */
    private volatile boolean failed;
    private volatile boolean closeRequested;
    private volatile boolean started;
    /** Deletes what the trainer committed from the re-keying topic; null when examples are not re-keyed. */
    private volatile TrainerTopics rekeyed;

    private StreamlearnApp(StreamlearnConfig config, ModelCatalog catalog, ModelRegistry registry, KafkaStreams streams) {
        this.config = config;
        this.catalog = catalog;
        this.registry = registry;
        this.streams = streams;
        this.exit = ShutdownSequence.onExit("the learner " + config.applicationId(), this::stop);
        this.abandoned = config.guarantee() == ProcessingGuarantee.EXACTLY_ONCE_V2
                ? new AbandonedTransactions(config.applicationId(), KafkaProperties.common(config),
                        () -> streams.metadataForLocalThreads().stream().map(ThreadMetadata::consumerClientId)
                                .collect(Collectors.toSet()))
                : null;
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
        try (StartupTimeline timeline = new StartupTimeline()) {
            return start(config, registry, listener, timeout, beforeStart, timeline);
        }
    }

    /**
     * The start, with what does not wait for the broker's answers done beside the admin checks:
     * loading RocksDB, sizing the largest model's records, making the weights consumer, reading the
     * published weights (once the topics are there) and building Kafka Streams all overlap, so a
     * start costs about its longest step rather than their sum (where the time goes is logged once
     * the learner runs).
     */
    private static StreamlearnApp start(StreamlearnConfig config, ModelRegistry registry, TopologyListener listener,
                                        Duration timeout, BeforeStart beforeStart, StartupTimeline timeline) {
        CompletableFuture<Void> rocksDb = timeline.alongside("RocksDB library", () -> {
            RocksDbLibrary.load();
            return null;
        });
        CompletableFuture<Integer> recordLimit = timeline.alongside("largest model record",
                () -> ModelRecordSizes.recordLimit(config));
        Properties client = new Properties();
        client.putAll(KafkaProperties.common(config));
        CompletableFuture<WeightsReader.Opened> weightsConsumer = timeline.alongside("weights consumer",
                () -> WeightsReader.open(client));
        Partitioning partitioning;
        RecordLimits limits;
        CompletableFuture<Published> published;
        // 15 s, not 5: a learner restarted beside a restarting broker, on a loaded machine, found it
        // answering only after the 5 s had passed (SoakIT at load 16), and exited.
        try (TopicAdmin admin = new TopicAdmin(KafkaProperties.common(config), Duration.ofSeconds(15))) {
            try {
                partitioning = timeline.step("topics", () -> ensureTopics(config, admin));
            } catch (RuntimeException | Error e) {
                weightsConsumer.thenAccept(WeightsReader.Opened::close);
                throw e;
            }
            // Once the topics exist: the weights topic may just have been created.
            published = timeline.alongside("weights read", () -> {
                try (WeightsReader.Opened reader = StartupTimeline.await(weightsConsumer)) {
                    // The catalogue first, on the same consumer: small, and a model added by command has weights too.
                    return new Published(CatalogueTopic.read(reader, config.topics().catalogue()),
                            reader.latest(config.topics().weights(), Topics.of(config).weights().codec()));
                }
            });
            limits = timeline.step("record limits", () -> recordLimits(config, admin, StartupTimeline.await(recordLimit)));
        }
        GlobalStateDirectory.clear(config);
        RecordLimits finalLimits = limits;
        // Filled from the catalogue topic below, before Kafka Streams starts; followed by the topology after.
        ModelCatalog catalog = ModelCatalog.of(config);
        CompletableFuture<Void> seeded = null;
        KafkaStreams streams = timeline.step("Kafka Streams built", () -> new KafkaStreams(
                TopologyFactory.build(config, finalLimits, partitioning, catalog, registry, listener),
                StreamsSettings.from(config, listener)));
        try {
            Published read = StartupTimeline.await(published);
            Map<String, WeightSnapshot> weights = read.weights();
            CatalogueSeeding seeding = CatalogueSeeding.of(config, read.catalogue(), catalog, System.currentTimeMillis());
            seeding.log(config, read.catalogue());
            StreamlearnConfig effective = config.withModels(catalog.models());
            ConfigChanges.check(effective, weights);
            // The catalogue in memory is already what these writes make it: they need not hold the start up.
            seeded = timeline.alongside("catalogue seeded", () -> {
                CatalogueTopic.write(client, config.topics().catalogue(), seeding.writes());
                return null;
            });
            timeline.step("initial weights", () -> InitialWeights.publishMissing(effective, weights));
            StartupTimeline.await(rocksDb);
        } catch (RuntimeException | Error e) {
            // Never started: closing releases its clients and its claim on the state directory.
            streams.close(CLOSE_TIMEOUT);
            throw e;
        }
        StreamlearnApp app = new StreamlearnApp(config, catalog, registry, streams);
        streams.setGlobalStateRestoreListener(new RestoreLog());
        CountDownLatch running = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
            // A rebalance is how the group lets a killed instance go: looked for as it begins (the
            // check waits for the group to settle, not for the moved tasks to restore) and again once
            // it is done, and at start.
            if ((now == KafkaStreams.State.REBALANCING || now == KafkaStreams.State.RUNNING) && app.abandoned != null) {
                app.abandoned.check();
            }
            if (now == KafkaStreams.State.PENDING_ERROR || now == KafkaStreams.State.ERROR) {
                if (!app.closeRequested) {
                    app.failed = true;
                }
                running.countDown();
                app.stopped.countDown();
            }
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.PENDING_SHUTDOWN) {
                running.countDown();
            }
            if (now == KafkaStreams.State.NOT_RUNNING) {
                app.stopped.countDown();
            }
        });
        streams.setUncaughtExceptionHandler(e -> {
            app.recordFailure(e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        watchUncaughtExceptions();
        LIVE.add(app);
        try {
            beforeStart.accept(app);
        } catch (java.io.IOException | RuntimeException e) {
            app.close();
            throw e instanceof RuntimeException r ? r : new java.io.UncheckedIOException((java.io.IOException) e);
        }
        long starting = System.nanoTime();
        try {
            streams.start();
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
        try {
            if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                app.close();
                throw new IllegalStateException("Kafka Streams did not reach RUNNING within " + timeout.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            app.close();
            throw new IllegalStateException("interrupted while starting", e);
        }
        if (streams.state() != KafkaStreams.State.RUNNING && streams.state() != KafkaStreams.State.REBALANCING) {
            KafkaStreams.State state = streams.state();
            app.close();
            Throwable f = app.failure.get();
            throw new IllegalStateException("Kafka Streams failed to start (state " + state + ")"
                    + (f == null ? "" : ": " + LearnerFailure.summary(f)), f);
        }
        try {
            StartupTimeline.await(seeded);
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
        app.started = true;
        if (partitioning.rekeys(config)) {
            app.rekeyed = TrainerTopics.purgeEvery(org.apache.kafka.clients.admin.Admin.create(KafkaProperties.common(config)),
                    purgedTopics(config), config.applicationId(), purgeInterval(config));
        }
        LOG.info("streamlearn running: application {} on {}, models {}, {}; {}, Kafka Streams to RUNNING {} s",
                config.applicationId(), config.bootstrapServers(), catalog.models().keySet(), config.guarantee().streamsValue(),
                timeline.summary(), String.format(java.util.Locale.ROOT, "%.2f", (System.nanoTime() - starting) / 1e9));
        return app;
    }

    /** Creates the topics the learner uses that are missing, and checks the partition counts of those that exist. */
    public static void ensureTopics(StreamlearnConfig config, Duration timeout) {
        try (TopicAdmin admin = new TopicAdmin(KafkaProperties.common(config), timeout)) {
            ensureTopics(config, admin);
        }
    }

    /**
     * Read once here rather than per record: a topic's limit changed while the learner runs is
     * caught by {@link UnwritableRecords}, and the next start reads it.
     */
    private static RecordLimits recordLimits(StreamlearnConfig config, TopicAdmin admin, int recordLimit) {
        admin.ensureRecordLimit(List.of(config.topics().weights(), config.topics().requests(),
                        config.topics().weightsHistory(), Names.modelStoreChangelog(config.applicationId())),
                recordLimit, "the largest declared model's checkpoint and snapshot");
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

    /**
     * Creates what is missing and reads the partition counts of what exists: the topology follows
     * the examples topic's real count, and a count that cannot work is refused here, with what to
     * do, instead of failing inside Kafka Streams.
     */
    private static Partitioning ensureTopics(StreamlearnConfig config, TopicAdmin admin) {
        admin.checkReachable(config.bootstrapServers());
        var t = config.topics();
        int p = config.partitions();
        short r = config.replicationFactor();
        List<TopicSpec> specs = new ArrayList<>(List.of(
                new TopicSpec(t.examples(), p, r, false),
                new TopicSpec(t.events(), config.eventsPartitions(), r, false),
                new TopicSpec(t.scoredEvents(), config.eventsPartitions(), r, false),
                new TopicSpec(t.weights(), 1, r, true),
                new TopicSpec(t.deadLetters(), 1, r, false),
                // Every version, kept for a time (weights keeps the newest): what rollback reads.
                new TopicSpec(t.weightsHistory(), 1, r, false,
                        Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(TopicAdmin.HISTORY_RETENTION_MS))),
                new TopicSpec(t.drift(), 1, r, false),
                new TopicSpec(t.catalogue(), 1, r, true)));
        List<String> created = new ArrayList<>(admin.ensure(specs));
        String rekeyed = Names.repartitionTopic(config.applicationId());
        String changelog = Names.modelStoreChangelog(config.applicationId());
        Map<String, Integer> counts = admin.partitionCounts(List.of(t.examples(), t.requests(), rekeyed, changelog));
        Partitioning partitioning = Partitioning.of(config, counts.get(t.examples()));
        List<String> problems = new ArrayList<>();
        List<String> trainerInputs = new ArrayList<>(List.of(t.requests(), changelog));
        if (partitioning.rekeys(config)) {
            trainerInputs.add(rekeyed);
        }
        for (String topic : trainerInputs) {
            Integer n = counts.get(topic);
            if (n != null && n != partitioning.training()) {
                problems.add("topic '" + topic + "' has " + n + " partitions where the trainer reads "
                        + partitioning.training() + " (examples has " + partitioning.examples() + ", topics.partitions is "
                        + config.partitions() + "): set topics.partitions to " + n
                        + ", or grow the trainer's partitions as README's \"Partitions\" section says");
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        // Read by the trainer beside its examples: partitioned as the examples it trains on.
        List<TopicSpec> trainer = new ArrayList<>(List.of(new TopicSpec(t.requests(), partitioning.training(), r, false)));
        if (partitioning.rekeys(config)) {
            trainer.add(new TopicSpec(rekeyed, partitioning.training(), r, false, TrainerTopics.topicConfig()));
            if (ParallelTraining.anyModel(config)) {
                // Replicas' deltas, keyed by model and partitioned as the trainer's other inputs so each reaches its model's trainer.
                trainer.add(new TopicSpec(Names.deltasTopic(config.applicationId()), partitioning.training(), r, false,
                        TrainerTopics.topicConfig()));
            }
        }
        created.addAll(admin.ensure(trainer));
        if (partitioning.rekeys(config)) {
            TrainerTopics.prepare(admin.admin(), rekeyed, config.applicationId(), "they will not be trained on; replay them from '"
                    + t.examples() + "' with `streamlearn retrain` if they matter", Duration.ofSeconds(15));
            if (ParallelTraining.anyModel(config)) {
                TrainerTopics.prepare(admin.admin(), Names.deltasTopic(config.applicationId()), config.applicationId(),
                        "replicas' deltas lost before they were merged: the data-parallel model's rounds from there on cannot"
                                + " complete; retrain it", Duration.ofSeconds(15));
            }
        }
        if (!created.isEmpty()) {
            LOG.info("Created topics {}", created);
        }
        if (partitioning.examples() > 1 && config.partitions() == 1) {
            LOG.info("'{}' has {} partitions: examples are re-keyed by model through '{}' so that one task learns each model",
                    t.examples(), partitioning.examples(), rekeyed);
        }
        return partitioning;
    }

    public ModelRegistry registry() {
        return registry;
    }

    /** The models this learner trains and scores now (the catalogue, as this instance follows it). */
    public ModelCatalog catalogue() {
        return catalog;
    }

    /** What a start reads before it runs: the model catalogue and the newest weights of each model. */
    private record Published(Map<String, CatalogueRecord> catalogue, Map<String, WeightSnapshot> weights) {
    }

    public KafkaStreams streams() {
        return streams;
    }

    public StreamlearnConfig config() {
        return config;
    }

    /**
     * Blocks until Kafka Streams stops. Returns null if it was closed (on request: {@link #close},
     * a shutdown hook); if it stopped by itself, closes what is left and returns the cause.
     */
    public Throwable awaitStop() throws InterruptedException {
        stopped.await();
        if (!failedByItself()) {
            // Closing on request: what the caller closes next (the HTTP server, the broker) waits for it.
            if (closeRequested) {
                closed.await();
            }
            return null;
        }
        // Once closed, Kafka Streams' threads have ended: a cause only the JVM's uncaught-exception
        // handler saw (a global thread that died of an Error) has been recorded by then.
        close();
        return cause();
    }

    /**
     * Throws if the learner has stopped by itself, so that a caller waiting for its output fails
     * with the cause at once instead of at its own timeout.
     */
    public void checkRunning() {
        if (failedByItself()) {
            throw new LearnerStoppedException(cause(), config);
        }
    }

    /**
     * Stops: commits, and leaves the consumer group so that a successor (a restart, a retrain,
     * another instance) is assigned the tasks at once instead of after the session timeout. After
     * a failure it only releases what is left, and says so. Safe to call more than once and from
     * any thread; a call while another is closing returns when that one is done.
     */
    @Override
    public void close() {
        exit.run();
    }

    /** Topics of ours the trainer reads, purged below its committed offsets as Kafka Streams purges its own. */
    static List<String> purgedTopics(StreamlearnConfig config) {
        return ParallelTraining.anyModel(config)
                ? List.of(Names.repartitionTopic(config.applicationId()), Names.deltasTopic(config.applicationId()))
                : List.of(Names.repartitionTopic(config.applicationId()));
    }

    /** Kafka Streams' own setting for its repartition topics, applied to ours: 30 s unless {@code kafka:} sets it. */
    static Duration purgeInterval(StreamlearnConfig config) {
        String ms = config.kafka().get(org.apache.kafka.streams.StreamsConfig.REPARTITION_PURGE_INTERVAL_MS_CONFIG);
        return ms == null ? TrainerTopics.PURGE_INTERVAL : Duration.ofMillis(Long.parseLong(ms.trim()));
    }

    private void stop() {
        TrainerTopics purging = rekeyed;
        if (purging != null) {
            purging.close();
        }
        try {
            if (!started) {
                closeRequested = true;
                streams.close(Duration.ofSeconds(5));
            } else if (failedByItself()) {
                LOG.warn("streamlearn is closing after a failure (Kafka Streams state {})", streams.state());
                streams.close(CLOSE_TIMEOUT);
                LOG.warn("streamlearn closed after a failure: {}", LearnerFailure.summary(cause()));
            } else {
                closeRequested = true;
                boolean done = streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                        .withTimeout(CLOSE_TIMEOUT));
                Throwable whileStopping = failureWhileStopping.get();
                if (!done) {
                    LOG.warn("streamlearn did not stop within {} s; the next start resumes from the last commit",
                            CLOSE_TIMEOUT.toSeconds());
                } else if (whileStopping != null || streams.state() == KafkaStreams.State.ERROR) {
                    LOG.warn("streamlearn stopped, but not cleanly: {}; the next start resumes from the last commit",
                            whileStopping == null ? "state " + streams.state() : LearnerFailure.summary(whileStopping));
                } else {
                    LOG.info("streamlearn stopped cleanly (state committed, group left)");
                }
            }
        } finally {
            if (abandoned != null) {
                abandoned.close();
            }
            LIVE.remove(this);
            stopped.countDown();
            closed.countDown();
        }
    }

    private boolean failedByItself() {
        return !closeRequested && (failed || failure.get() != null);
    }

    private void recordFailure(Throwable e) {
        if (closeRequested) {
            failureWhileStopping.compareAndSet(null, e);
        } else {
            failure.compareAndSet(null, e);
        }
    }

    private Throwable cause() {
        Throwable f = failure.get();
        return f != null ? f : new IllegalStateException("Kafka Streams stopped in state " + streams.state()
                + " without handing over an exception");
    }

    /**
     * Kafka Streams passes a stream thread's exception to its handler, but a global thread that
     * dies of an Error (or a thread that dies some other way) only reaches the JVM's handler and
     * the state goes to ERROR without a cause. This one records it for the learner whose thread it
     * was (its names start with the application id), then does what the previous handler did.
     */
    private static void watchUncaughtExceptions() {
        if (!WATCHING_UNCAUGHT.compareAndSet(false, true)) {
            return;
        }
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            for (StreamlearnApp app : LIVE) {
                if (thread.getName().startsWith(app.config.applicationId() + "-") && thread.getName().contains("StreamThread")) {
                    app.recordFailure(e);
                }
            }
            if (previous != null) {
                previous.uncaughtException(thread, e);
            } else {
                System.err.print("Exception in thread \"" + thread.getName() + "\" ");
                e.printStackTrace(System.err);
            }
        });
    }
}
